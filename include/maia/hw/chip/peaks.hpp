#pragma once
// Configured peaks, computed from the knobs alone: the ceilings that no simulated figure may beat.
#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {

// Dense TTU peak of all enabled tiles, FLOP/s.
double chip_peak_flops(const ChipConfig& c, DType t);
// HBM peak (stacks x 1024 DQ pins x pin rate, GB/s) is hbm_peak_gbps() of hbm_timing.hpp.
// One GNOC data-plane link, one direction, GB/s.
double noc_link_gbps(const GnocConfig& g);
// PCIe line rate per direction, GB/s.
double pcie_raw_gbps(const PcieConfig& p);
// One SRAM (all banks busy every cycle), GB/s.
double sram_peak_gbps(const SramConfig& s, double clock_ghz);
// All enabled tiles' TSRAM plus all clusters' CSRAM, GB/s.
double chip_sram_peak_gbps(const ChipConfig& c);

}  // namespace maia
