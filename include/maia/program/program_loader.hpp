#pragma once
// Reads a dataflow program from JSON (format: docs/programs.md) and checks it against the chip:
// engines and tiles exist, buffers fit their memories and do not overlap, operands lie inside
// their buffers, each instruction suits its engine, semaphores fit the hardware.
#include <string>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"
#include "maia/program/program.hpp"

namespace maia {

Program load_program(const std::string& file, const ChipConfig& chip);
Program parse_program(const nlohmann::json& doc, const std::string& file, const ChipConfig& chip);

// Checks a program built in code (kernel generators) with the same rules as a loaded one.
void validate_program(const Program& p, const ChipConfig& chip);

}  // namespace maia
