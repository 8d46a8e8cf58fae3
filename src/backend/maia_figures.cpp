// Maia's chip figures: on-die SRAM, enabled tiles, TTU peaks, HBM bandwidth and capacity, TDP.
#include "maia/backend/maia_backend.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/core/dtype.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {

std::vector<ChipFigure> MaiaBackend::figures() const {
  constexpr double kMiB = 1024.0 * 1024.0;
  const ChipConfig& c = cfg_;
  // Every tile on the die, enabled or not.
  const double tsram_mib =
      static_cast<double>(c.clusters * c.tiles_per_cluster * c.tile.tsram.bytes) / kMiB;
  const double csram_mib = static_cast<double>(c.clusters * c.cluster.csram.bytes) / kMiB;
  return {
      {"total_sram_mib", "TSRAM of every tile on the die plus CSRAM of every cluster, MiB",
       tsram_mib + csram_mib},
      {"tsram_mib", "TSRAM of every tile on the die, MiB", tsram_mib},
      {"csram_mib", "CSRAM of every cluster, MiB", csram_mib},
      {"enabled_tiles", "tiles in use (clusters x enabled_tiles_per_cluster)",
       static_cast<double>(c.enabled_tiles())},
      {"peak_tflops_fp4", "dense TTU peak of the enabled tiles, FP4, TFLOP/s",
       chip_peak_flops(c, DType::kFp4) / 1e12},
      {"peak_tflops_fp8", "dense TTU peak of the enabled tiles, FP8, TFLOP/s",
       chip_peak_flops(c, DType::kFp8) / 1e12},
      {"peak_tflops_bf16", "dense TTU peak of the enabled tiles, BF16, TFLOP/s",
       chip_peak_flops(c, DType::kBf16) / 1e12},
      {"hbm_gbps", "HBM peak bandwidth, GB/s", hbm_peak_gbps(c.hbm)},
      {"tdp_w", "SoC thermal design power (the tdp_w knob), W", c.tdp_w},
      {"idle_power_w", "idle power of every block (the energy.static_* knobs), W",
       c.energy.static_w()},
      {"hbm_capacity_gib", "HBM capacity, GiB",
       static_cast<double>(hbm_capacity_bytes(c.hbm)) / (kMiB * 1024.0)},
  };
}

}  // namespace maia
