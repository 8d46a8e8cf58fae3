#pragma once
// Figures derived from a resolved chip config (SRAM capacity, peaks, HBM capacity), by name,
// for sweep constraints such as "chip.total_sram_mib <= 300" (docs/sweeps.md lists them).
#include <optional>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"

namespace maia {

struct ChipFigure {
  std::string name;  // referenced as chip.<name>
  std::string meaning;
  double (*value)(const ChipConfig&);
};

const std::vector<ChipFigure>& chip_figures();
std::optional<double> chip_figure(const ChipConfig& c, const std::string& name);

}  // namespace maia
