// GEMM as CTA tiles: each CTA computes a tile_m x tile_n block of the output over its split's
// k range, reading its A row panel and B column panel slices through L2, in raster order
// (groups of raster_rows tile rows, column by column inside a group). With split-K each CTA
// writes an FP32 partial and a streaming kernel sums them into the output.
#include <algorithm>

#include "maia/core/error.hpp"
#include "maia/hw/gpu/gpu_peaks.hpp"
#include "maia/kernels/gpu/gpu_lowering.hpp"

namespace maia {

std::vector<GpuKernel> lower_gpu_gemm(const GpuConfig& cfg, const GemmShape& g, const OpCost& cost,
                                      const std::string& name) {
  const GpuGemmPlan p = choose_gpu_gemm_plan(cfg, g);
  const auto um = static_cast<std::uint64_t>(g.m), un = static_cast<std::uint64_t>(g.n),
             uk = static_cast<std::uint64_t>(g.k);
  // Tensor bytes: the operator's cost where it says more than the shape.
  const std::uint64_t a_bytes =
      std::max(cost.activation_read_bytes, dtype_bytes(g.a_dtype, um * uk));
  const std::uint64_t b_bytes = std::max(cost.weight_bytes, dtype_bytes(g.b_dtype, uk * un));
  const std::uint64_t c_bytes =
      std::max(cost.activation_write_bytes, dtype_bytes(g.out_dtype, um * un));
  const std::int64_t s = p.split_k;
  const auto us = static_cast<std::uint64_t>(s);
  GpuKernel k;
  k.name = name;
  k.mma_dtype = gpu_mma_dtype(g.a_dtype, g.b_dtype);
  k.tensor_efficiency = cfg.kernel.gemm_efficiency;
  k.smem_bytes_per_cta = p.smem_bytes;
  k.store_in_epilogue = true;
  const auto ukps = static_cast<std::uint64_t>(p.k_per_split);
  const std::uint64_t a_block =
      gpu_share(gpu_share(a_bytes, static_cast<std::uint64_t>(p.tile_m), um), ukps, uk);
  const std::uint64_t b_block =
      gpu_share(gpu_share(b_bytes, static_cast<std::uint64_t>(p.tile_n), un), ukps, uk);
  const std::uint64_t tiles = static_cast<std::uint64_t>(p.tiles_m * p.tiles_n);
  const std::uint64_t c_tile =
      gpu_share(gpu_share(c_bytes, static_cast<std::uint64_t>(p.tile_m), um),
                static_cast<std::uint64_t>(p.tile_n), un);
  const std::uint64_t partial_tile = static_cast<std::uint64_t>(p.tile_m * p.tile_n) * 4;
  k.operands = {{"a", a_block * static_cast<std::uint64_t>(p.tiles_m) * us, a_block},
                {"b", b_block * static_cast<std::uint64_t>(p.tiles_n) * us, b_block},
                s > 1 ? GpuOperand{"partials", partial_tile * tiles * us, partial_tile}
                      : GpuOperand{"c", c_tile * tiles, c_tile}};
  // Live bytes of a panel while a wave streams it: `stages` k-steps of it.
  const auto live = [&](std::uint64_t bytes) {
    return gpu_share(bytes, static_cast<std::uint64_t>(p.stages * p.tile_k),
                     static_cast<std::uint64_t>(p.k_per_split));
  };
  k.ctas.reserve(tiles * us);
  for (std::int64_t split = 0; split < s; ++split) {
    const std::int64_t k0 = split * p.k_per_split;
    const std::int64_t kc = std::min(p.k_per_split, g.k - k0);
    const auto ukc = static_cast<std::uint64_t>(kc);
    for (std::int64_t group = 0; group < p.tiles_m; group += p.raster_rows) {
      const std::int64_t group_end = std::min(p.tiles_m, group + p.raster_rows);
      for (std::int64_t tn = 0; tn < p.tiles_n; ++tn) {
        for (std::int64_t tm = group; tm < group_end; ++tm) {
          const auto rows = static_cast<std::uint64_t>(std::min(p.tile_m, g.m - tm * p.tile_m));
          const auto cols = static_cast<std::uint64_t>(std::min(p.tile_n, g.n - tn * p.tile_n));
          GpuCta c;
          // The whole tile is computed (edge tiles waste their padding, as on hardware).
          c.tensor_macs = static_cast<std::uint64_t>(p.tile_m * p.tile_n) *
                          static_cast<std::uint64_t>((kc + p.tile_k - 1) / p.tile_k * p.tile_k);
          const std::uint64_t ra = gpu_share(gpu_share(a_bytes, rows, um), ukc, uk);
          const std::uint64_t rb = gpu_share(gpu_share(b_bytes, cols, un), ukc, uk);
          c.reads = {{0, static_cast<std::uint64_t>(tm * s + split), ra, live(ra)},
                     {1, static_cast<std::uint64_t>(tn * s + split), rb, live(rb)}};
          const auto tile = static_cast<std::uint64_t>(tm * p.tiles_n + tn);
          if (s > 1) {
            c.writes = {{2, (tile * us + static_cast<std::uint64_t>(split)) * partial_tile,
                         rows * cols * 4}};
          } else {
            c.writes = {{2, tile * c_tile, gpu_share(gpu_share(c_bytes, rows, um), cols, un)}};
          }
          k.ctas.push_back(std::move(c));
        }
      }
    }
  }
  std::vector<GpuKernel> out{std::move(k)};
  if (s > 1)
    out.push_back(gpu_streaming_kernel(cfg, name + ".split_k_reduce", um * un * us * 4, c_bytes,
                                       um * un * us, 0));
  return out;
}

}  // namespace maia
