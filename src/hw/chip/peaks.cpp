#include "maia/hw/chip/peaks.hpp"

#include "maia/hw/tile/ttu.hpp"

namespace maia {

double chip_peak_flops(const ChipConfig& c, DType t) {
  return static_cast<double>(c.enabled_tiles()) *
         static_cast<double>(ttu_macs_per_cycle(c.tile.ttu, t)) * 2.0 * c.clock_ghz * 1e9;
}

double noc_link_gbps(const GnocConfig& g) {
  return static_cast<double>(g.data_link_bytes_per_cycle) * g.clock_ghz;
}

double sram_peak_gbps(const SramConfig& s, double clock_ghz) {
  return static_cast<double>(s.banks * s.bank_width_bytes) * clock_ghz;
}

double chip_sram_peak_gbps(const ChipConfig& c) {
  return static_cast<double>(c.enabled_tiles()) * sram_peak_gbps(c.tile.tsram, c.clock_ghz) +
         static_cast<double>(c.clusters) * sram_peak_gbps(c.cluster.csram, c.clock_ghz);
}

double pcie_raw_gbps(const PcieConfig& p) {
  return static_cast<double>(p.lanes) * p.gtps_per_lane / 8.0;
}

}  // namespace maia
