#pragma once
// How a GPU GEMM library blocks one problem: the CTA tile (from GpuKernelConfig::cta_tile_m/n
// candidates, k-step cta_tile_k), the main-loop stages that fit in shared memory, split-K when
// the M x N tiles are too few to fill the SMs, and the raster order (groups of tile rows so a
// wave's A and B panels are few). The choice minimises a closed-form prediction: waves (wave
// quantisation over SMs x resident CTAs) x the slower of a wave's tensor time and its memory
// time, plus the split-K reduction's streaming time.
#include <cstdint>

#include "maia/config/gpu_config.hpp"
#include "maia/workload/operator.hpp"

namespace maia {

struct GpuGemmPlan {
  std::int64_t tile_m = 0, tile_n = 0, tile_k = 0;
  std::int64_t split_k = 1;
  std::int64_t stages = 0;
  std::int64_t smem_bytes = 0;     // per CTA
  std::int64_t resident_ctas = 0;  // per SM
  std::int64_t tiles_m = 0, tiles_n = 0;
  std::int64_t k_per_split = 0;  // multiple of tile_k
  std::int64_t raster_rows = 1;  // tile rows per raster group
  std::int64_t waves = 0;
  double predicted_ns = 0;
};

// The fastest predicted plan for `g`; InputError when no candidate tile fits in shared memory.
GpuGemmPlan choose_gpu_gemm_plan(const GpuConfig& cfg, const GemmShape& g);

}  // namespace maia
