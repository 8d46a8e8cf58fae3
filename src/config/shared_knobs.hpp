#pragma once
// The knob definitions both chip kinds share because the field means the same on both: the HBM
// subsystem (HbmConfig) and the PCIe host link (PcieConfig). Paths are relative ("stacks",
// "timing.tCL"); each kind's table lifts them under "hbm." and "pcie.". Sources and notes are the
// Maia 200 ones; a kind whose values rest on other sources replaces them.
#include <vector>

#include "maia/config/knob.hpp"

namespace maia {

const std::vector<KnobOf<HbmConfig>>& hbm_knobs();
const std::vector<KnobOf<PcieConfig>>& pcie_knobs();
// Maia's `energy` block and the `cost` block of both kinds (energy_knobs.cpp).
const std::vector<KnobOf<EnergyConfig>>& energy_knobs();
const std::vector<KnobOf<CostConfig>>& cost_knobs();

}  // namespace maia
