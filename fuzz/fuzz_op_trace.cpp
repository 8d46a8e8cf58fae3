// Fuzz target: an operator trace (read_op_trace).
#include "fuzz_target.hpp"
#include "maia/workload/op_trace.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) { read_op_trace(input_file(data, "ops.json")); }

}  // namespace maia::fuzz
