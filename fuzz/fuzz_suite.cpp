// Fuzz target: a regression suite file (load_suite) and each case's command line.
#include "fuzz_target.hpp"
#include "maia/regress/suite.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  const regress::Suite s = regress::load_suite(input_file(data, "suite.json"));
  for (const auto& c : s.cases) regress::case_command(c, scratch_dir() + "/out");
}

}  // namespace maia::fuzz
