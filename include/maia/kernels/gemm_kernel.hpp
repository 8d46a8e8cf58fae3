#pragma once
// A whole-chip GEMM C[M,N] = A[M,K] B[K,N] lowered to per-tile dataflow programs.
//
// Tiling: C is cut into bm x bn blocks; the clusters own rectangular regions of blocks; inside a
// region, waves of (tiles per cluster) blocks run on the tiles, ordered in bands of three block
// rows so that a wave shares A panels along rows and B panels along columns. K is streamed in
// bk chunks. A and B live in HBM pre-tiled (each bm x bk / bk x bn block contiguous).
//
// Pipeline per cluster (double-buffered everywhere):
//   dma0/dma2: HBM -> CSRAM operand slot (one copy per distinct A row / B column of the wave)
//   dma1/dma3: CSRAM -> TSRAM multicast of each A / B panel to the tiles that need it
//   ttu : gemm on the chunk, accumulating in FP32 in TSRAM
//   tile dma: finished C block TSRAM -> CSRAM staging, converted to the output type
//   dma4: C staging -> HBM
#include <cstdint>

#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/kernels/kernel_placement.hpp"
#include "maia/program/program.hpp"

namespace maia {

struct GemmSpec {
  std::int64_t m = 0, n = 0, k = 0;
  DType a_dtype = DType::kFp8;  // activations (A)
  DType b_dtype = DType::kFp8;  // weights (B); mixed precision runs at the slower TTU rate
  DType out_dtype = DType::kBf16;
  KernelPlacement place;
  // The weight panels of this many first K steps (0..2) are already in their CSRAM slots
  // (prefetched during the previous operator): the kernel skips those loads and lists them in
  // GemmKernel::prefetch for the previous program to perform.
  std::int64_t prefetched_steps = 0;
  // The weights (B) stay in CSRAM for the whole run ("kept in SRAM when they fit"): no HBM
  // loads for B; each cluster's columns of B occupy a CSRAM region after its staging buffers.
  bool weights_resident = false;
};

struct GemmPlan {
  std::int64_t bm = 0, bn = 0, bk = 0;
  std::int64_t region_rows = 1, region_cols = 1;  // clusters arranged as a grid over C
  std::int64_t block_rows = 0, block_cols = 0, k_chunks = 0;
  std::int64_t waves = 0;  // the most waves any cluster runs
  double hbm_bytes = 0;    // operand + result bytes the program moves to/from HBM
};

struct GemmKernel {
  Program program;
  GemmPlan plan;
  std::vector<PrefetchCopy> prefetch;  // loads left to the previous operator (prefetched_steps)
  int weight_buffer = -1;              // the HBM buffer holding B (weights, not activations)
};

// Throws InputError when the shape is empty or the blocks cannot fit the SRAMs.
GemmKernel build_gemm_kernel(const ChipConfig& chip, const GemmSpec& spec);

}  // namespace maia
