#pragma once
// The GPU model's "ISA": one kernel launch as the chip executes it, at CTA granularity. A kernel
// names its operands (HBM-resident tensors split into blocks: a GEMM's A row panels and B column
// panels, an attention's K/V per (sequence, KV head)), and lists its CTAs in launch order. Each
// CTA says how much tensor-core and vector work it does, which operand blocks it reads (through
// L2, where reuse between CTAs decides hits) and how many bytes it stores. A ring collective over
// NVLink is a kernel without CTAs. Lowerings (maia/kernels/gpu) build these; GpuChip times them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maia/core/dtype.hpp"

namespace maia {

// An HBM-resident tensor the kernel reads or writes, as equal blocks of `block_bytes`.
struct GpuOperand {
  std::string name;
  std::uint64_t bytes = 0;
  std::uint64_t block_bytes = 0;  // unit of reuse in L2 (a panel); bytes when 0
};

// One read by a CTA: the first `bytes` of block `block` of operand `operand`. `live_bytes` is
// how much of it sits in L2 at once while the CTAs of a wave stream through it together
// (pipeline stages x k-step slice); 0 means all of it.
struct GpuRead {
  std::uint32_t operand = 0;
  std::uint64_t block = 0;
  std::uint64_t bytes = 0;
  std::uint64_t live_bytes = 0;
};

// One store by a CTA: `bytes` at byte `offset` of operand `operand` (written back to HBM).
struct GpuWrite {
  std::uint32_t operand = 0;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
};

struct GpuCta {
  std::uint64_t tensor_macs = 0;  // tensor-core multiply-accumulates
  std::uint64_t vector_ops = 0;   // FP32 lane operations (CUDA cores)
  std::uint64_t sfu_ops = 0;      // exp / rsqrt
  std::vector<GpuRead> reads;
  std::vector<GpuWrite> writes;
};

// A ring collective over the NVLink ports: `steps` steps, each sending and receiving
// `step_bytes` to and from the ring neighbours, and reading / writing HBM for the buffers.
struct GpuRingCollective {
  std::int64_t steps = 0;
  std::uint64_t step_bytes = 0;
  std::uint64_t hbm_read_bytes = 0;  // whole collective
  std::uint64_t hbm_write_bytes = 0;
};

struct GpuKernel {
  std::string name;
  DType mma_dtype = DType::kBf16;       // tensor-core operand type
  double tensor_efficiency = 1.0;       // achievable fraction of the tensor pipe's peak
  std::int64_t smem_bytes_per_cta = 0;  // shared memory a CTA holds (limits residency)
  bool vector_after_tensor = false;     // vector work serialised with tensor work (softmax)
  bool store_in_epilogue = true;        // stores after compute (GEMM) or streamed (element-wise)
  std::vector<GpuOperand> operands;
  std::vector<GpuCta> ctas;
  std::optional<GpuRingCollective> collective;
};

}  // namespace maia
