#pragma once
// Figures derived from a resolved chip config (SRAM capacity, peaks, HBM capacity), by name,
// for sweep constraints such as "chip.total_sram_mib <= 300" (docs/sweeps.md lists them). The
// chip's backend computes them (Backend::figures), so each kind reports its own.
#include <optional>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/config/any_chip_config.hpp"

namespace maia {

// The figures of `c`'s kind (default: the default Maia chip's).
std::vector<ChipFigure> chip_figures(const AnyChipConfig& c = ChipConfig{});
std::optional<double> chip_figure(const AnyChipConfig& c, const std::string& name);
// Every figure name some kind reports (what a sweep spec may name before its chips are known).
std::vector<std::string> chip_figure_names();

}  // namespace maia
