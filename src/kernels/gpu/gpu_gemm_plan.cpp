#include "maia/kernels/gpu/gpu_gemm_plan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/gpu/gpu_peaks.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Tile rows per raster group: the wave's panel bytes (G A panels, enough B panels for the
// rest of the wave) smallest.
std::int64_t raster_rows(std::int64_t wave_ctas, std::int64_t tiles_m, std::int64_t tiles_n,
                         double a_panel, double b_panel) {
  std::int64_t best = 1;
  double best_bytes = 0;
  for (std::int64_t g = 1; g <= std::min<std::int64_t>(tiles_m, 32); g *= 2) {
    const std::int64_t cols = std::min(tiles_n, ceil_div(wave_ctas, g));
    const double bytes = static_cast<double>(g) * a_panel + static_cast<double>(cols) * b_panel;
    if (g == 1 || bytes < best_bytes) {
      best = g;
      best_bytes = bytes;
    }
  }
  return best;
}

}  // namespace

GpuGemmPlan choose_gpu_gemm_plan(const GpuConfig& cfg, const GemmShape& g) {
  const GpuKernelConfig& kc = cfg.kernel;
  if (g.m <= 0 || g.n <= 0 || g.k <= 0)
    throw InputError(
        fmt::format("gpu gemm: m, n, k must be positive (got {} x {} x {})", g.m, g.n, g.k));
  if (kc.cta_tile_k <= 0 || kc.cta_tile_m.empty() || kc.cta_tile_n.empty() || kc.max_split_k < 1 ||
      kc.gemm_pipeline_stages < 1)
    throw InputError(fmt::format(
        "gpu {}: kernel.cta_tile_m/n need candidates, cta_tile_k ({}), max_split_k ({}) and "
        "gemm_pipeline_stages ({}) must be positive",
        cfg.name, kc.cta_tile_k, kc.max_split_k, kc.gemm_pipeline_stages));
  const double bits_a = dtype_bits(g.a_dtype), bits_b = dtype_bits(g.b_dtype);
  const DType mma = gpu_mma_dtype(g.a_dtype, g.b_dtype);
  const double ghz = cfg.clock_ghz;
  const double mem_gbps = hbm_peak_gbps(cfg.hbm) * kc.memory_efficiency;
  const double l2_gbps = gpu_l2_gbps(cfg);
  const double port_gbps = static_cast<double>(cfg.sm.l2_port_bytes_per_cycle) * ghz;
  const double gap = kc.cuda_graphs == 1 ? kc.graph_launch_gap_ns : kc.launch_gap_ns;
  const std::int64_t sms = cfg.sm.count;
  GpuGemmPlan best;
  bool found = false;
  for (std::int64_t bm : kc.cta_tile_m) {
    for (std::int64_t bn : kc.cta_tile_n) {
      const std::int64_t bk = kc.cta_tile_k;
      if (bm <= 0 || bn <= 0)
        throw InputError(fmt::format("gpu {}: CTA tile candidates must be positive ({} x {})",
                                     cfg.name, bm, bn));
      const auto stage_bytes = static_cast<std::int64_t>(
          (static_cast<double>(bm * bk) * bits_a + static_cast<double>(bk * bn) * bits_b) / 8.0);
      const std::int64_t stages =
          std::min(kc.gemm_pipeline_stages, cfg.sm.shared_memory_bytes / stage_bytes);
      if (stages < std::min<std::int64_t>(2, kc.gemm_pipeline_stages)) continue;
      const std::int64_t smem = stages * stage_bytes;
      const std::int64_t resident =
          std::max<std::int64_t>(1, std::min(cfg.sm.max_ctas, cfg.sm.shared_memory_bytes / smem));
      const std::int64_t slots = sms * resident;
      const std::int64_t tiles_m = ceil_div(g.m, bm), tiles_n = ceil_div(g.n, bn);
      const std::int64_t tiles = tiles_m * tiles_n;
      const std::int64_t max_split = tiles < sms ? kc.max_split_k : 1;
      for (std::int64_t s = 1; s <= max_split; ++s) {
        const std::int64_t kps = ceil_div(ceil_div(g.k, s), bk) * bk;
        if (kps * (s - 1) >= g.k) break;  // a split would be empty
        const std::int64_t ctas = tiles * s;
        const double cta_ns = static_cast<double>(bm * bn) * static_cast<double>(kps) /
                              (gpu_macs_per_cycle(cfg.sm, mma) * kc.gemm_efficiency * ghz);
        // Panel bytes actually read (a tile larger than the matrix reads only what exists).
        const double a_panel = static_cast<double>(std::min(bm, g.m) * kps) * bits_a / 8.0;
        const double b_panel = static_cast<double>(std::min(bn, g.n) * kps) * bits_b / 8.0;
        const std::int64_t rows =
            raster_rows(std::min(ctas, slots), tiles_m, tiles_n, a_panel, b_panel);
        const auto wave_ns = [&](std::int64_t c) {
          const double compute = static_cast<double>(ceil_div(c, sms)) * cta_ns;
          // Splits are launched one after another; each reads its own k slice of the panels.
          const std::int64_t per_split = std::min(c, tiles);
          const std::int64_t cols = std::min(tiles_n, ceil_div(per_split, rows));
          const double hbm = static_cast<double>(ceil_div(c, tiles)) *
                             (static_cast<double>(std::min(rows, per_split)) * a_panel +
                              static_cast<double>(cols) * b_panel) /
                             mem_gbps;
          const double l2 = static_cast<double>(c) * (a_panel + b_panel) / l2_gbps;
          const double port =
              static_cast<double>(ceil_div(c, sms)) * (a_panel + b_panel) / port_gbps;
          return std::max({compute, hbm, l2, port});
        };
        double ns = static_cast<double>(ctas / slots) * wave_ns(slots) +
                    (ctas % slots > 0 ? wave_ns(ctas % slots) : 0.0);
        if (s > 1) {  // the reduction kernel: FP32 partials in, the output out
          const double partials = static_cast<double>(g.m * g.n) * 4.0 * static_cast<double>(s);
          ns += gap + (partials + static_cast<double>(g.m * g.n) * dtype_bits(g.out_dtype) / 8.0) /
                          mem_gbps;
        }
        if (!found || ns < best.predicted_ns) {
          found = true;
          best = {bm,       bn,      bk,      s,   stages, smem,
                  resident, tiles_m, tiles_n, kps, rows,   ceil_div(ctas, slots),
                  ns};
        }
      }
    }
  }
  if (!found)
    throw InputError(fmt::format(
        "gpu {}: no CTA tile of kernel.cta_tile_m x cta_tile_n x {} fits two pipeline stages in "
        "{} bytes of shared memory",
        cfg.name, kc.cta_tile_k, cfg.sm.shared_memory_bytes));
  return best;
}

}  // namespace maia
