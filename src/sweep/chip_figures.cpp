#include "maia/sweep/chip_figures.hpp"

#include "maia/config/hbm_capacity.hpp"
#include "maia/core/dtype.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double tsram_mib(const ChipConfig& c) {  // every tile on the die, enabled or not
  return static_cast<double>(c.clusters * c.tiles_per_cluster * c.tile.tsram.bytes) / kMiB;
}
double csram_mib(const ChipConfig& c) {
  return static_cast<double>(c.clusters * c.cluster.csram.bytes) / kMiB;
}

}  // namespace

const std::vector<ChipFigure>& chip_figures() {
  static const std::vector<ChipFigure> table = {
      {"total_sram_mib", "TSRAM of every tile on the die plus CSRAM of every cluster, MiB",
       [](const ChipConfig& c) { return tsram_mib(c) + csram_mib(c); }},
      {"tsram_mib", "TSRAM of every tile on the die, MiB", tsram_mib},
      {"csram_mib", "CSRAM of every cluster, MiB", csram_mib},
      {"enabled_tiles", "tiles in use (clusters x enabled_tiles_per_cluster)",
       [](const ChipConfig& c) { return static_cast<double>(c.enabled_tiles()); }},
      {"peak_tflops_fp4", "dense TTU peak of the enabled tiles, FP4, TFLOP/s",
       [](const ChipConfig& c) { return chip_peak_flops(c, DType::kFp4) / 1e12; }},
      {"peak_tflops_fp8", "dense TTU peak of the enabled tiles, FP8, TFLOP/s",
       [](const ChipConfig& c) { return chip_peak_flops(c, DType::kFp8) / 1e12; }},
      {"peak_tflops_bf16", "dense TTU peak of the enabled tiles, BF16, TFLOP/s",
       [](const ChipConfig& c) { return chip_peak_flops(c, DType::kBf16) / 1e12; }},
      {"hbm_gbps", "HBM peak bandwidth, GB/s",
       [](const ChipConfig& c) { return hbm_peak_gbps(c.hbm); }},
      {"tdp_w", "SoC thermal design power (the tdp_w knob), W",
       [](const ChipConfig& c) { return c.tdp_w; }},
      {"hbm_capacity_gib", "HBM capacity, GiB",
       [](const ChipConfig& c) {
         return static_cast<double>(hbm_capacity_bytes(c.hbm)) / (kMiB * 1024.0);
       }},
  };
  return table;
}

std::optional<double> chip_figure(const ChipConfig& c, const std::string& name) {
  for (const auto& f : chip_figures())
    if (f.name == name) return f.value(c);
  return std::nullopt;
}

}  // namespace maia
