// Fuzz target: a length table CSV for synthetic traces (read_length_table).
#include <sstream>

#include "fuzz_target.hpp"
#include "maia/serving/length_table.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  std::istringstream in{std::string(data)};
  read_length_table(in, "lengths.csv");
}

}  // namespace maia::fuzz
