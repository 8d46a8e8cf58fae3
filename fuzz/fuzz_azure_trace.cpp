// Fuzz target: an Azure LLM inference trace CSV (read_azure_trace), strict and with
// --skip-bad-rows.
#include <sstream>

#include "fuzz_target.hpp"
#include "maia/serving/azure_trace.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  // The first byte picks the mode, so both paths are explored from one corpus.
  const bool skip_bad_rows = !data.empty() && (data.front() & 1) != 0;
  std::istringstream in{std::string(data)};
  read_azure_trace(in, "trace.csv", skip_bad_rows);
}

}  // namespace maia::fuzz
