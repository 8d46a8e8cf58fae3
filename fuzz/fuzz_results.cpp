// Fuzz target: a result file given to `maia-sim compare` (load_results): summary.json,
// microbench and ops JSON, Google Benchmark JSON, any JSON object.
#include "fuzz_target.hpp"
#include "maia/regress/results.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) { regress::load_results(input_file(data, "result.json")); }

}  // namespace maia::fuzz
