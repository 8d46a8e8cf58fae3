// Fuzz target: a dataflow program (load_program) checked against the default chip.
#include "fuzz_target.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/program/program_loader.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  static const ChipConfig chip = load_chip_config(source_dir() + "/configs/maia200.json");
  load_program(input_file(data, "program.json"), chip);
}

}  // namespace maia::fuzz
