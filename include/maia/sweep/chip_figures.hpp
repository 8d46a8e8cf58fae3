#pragma once
// Figures derived from a resolved chip config (SRAM capacity, peaks, HBM capacity), by name,
// for sweep constraints such as "chip.total_sram_mib <= 300" (docs/sweeps.md lists them). The
// chip's backend computes them (Backend::figures), so each kind reports its own.
#include <optional>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/config/chip_config.hpp"

namespace maia {

// The figures of `c`'s kind; with the default config, the names a spec may use.
std::vector<ChipFigure> chip_figures(const ChipConfig& c = ChipConfig{});
std::optional<double> chip_figure(const ChipConfig& c, const std::string& name);

}  // namespace maia
