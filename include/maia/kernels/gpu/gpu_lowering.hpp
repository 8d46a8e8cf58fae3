#pragma once
// Operators lowered to GPU kernels (maia/hw/gpu/gpu_kernel.hpp), the way GPU libraries run them:
//   GEMM       CTA tiles with split-K and its reduction kernel (gpu_gemm_plan.hpp);
//   attention  flash attention: prefill, one CTA per (sequence, query head, query block), longest
//              first, the KV head's CTAs sharing K and V through L2; decode, one CTA per
//              (sequence, KV head) holding its query heads so K and V are read once, the keys
//              split over more CTAs when those are too few to fill the SMs (split-KV, FP32
//              partials);
//   vector     fused element-wise / row-wise kernels streaming their bytes once;
//   collective ring all-reduce (2 (N - 1) steps) or all-gather (N - 1 steps) of B / N chunks
//              over the NVLink ports (a simple model; the systems model replaces it).
// Byte counts follow the operator's cost (its tensors as the graph builder sized them), split
// over CTAs in proportion to their share of the shape, rounded up, so a kernel never moves less
// than its operator's cost says.
#include <cstdint>
#include <string>
#include <vector>

#include "maia/config/gpu_config.hpp"
#include "maia/hw/gpu/gpu_kernel.hpp"
#include "maia/kernels/gpu/gpu_gemm_plan.hpp"
#include "maia/workload/operator.hpp"

namespace maia {

// The kernels of one operator, in launch order; InputError for a shape the GPU cannot run.
std::vector<GpuKernel> lower_gpu_operator(const GpuConfig& cfg, const Operator& op);

std::vector<GpuKernel> lower_gpu_gemm(const GpuConfig& cfg, const GemmShape& g, const OpCost& cost,
                                      const std::string& name);
GpuKernel lower_gpu_attention(const GpuConfig& cfg, const AttentionShape& a, const OpCost& cost,
                              const std::string& name);
GpuKernel lower_gpu_vector(const GpuConfig& cfg, const VectorShape& v, const OpCost& cost,
                           const std::string& name);
GpuKernel lower_gpu_collective(const CollectiveShape& c, const OpCost& cost,
                               const std::string& name);

// A streaming kernel: reads `read_bytes` and writes `write_bytes` once, in equal contiguous
// shares over enough CTAs to fill the chip, with `vector_ops` FP32 and `sfu_ops` SFU operations.
GpuKernel gpu_streaming_kernel(const GpuConfig& cfg, const std::string& name,
                               std::uint64_t read_bytes, std::uint64_t write_bytes,
                               std::uint64_t vector_ops, std::uint64_t sfu_ops);

// ceil(total x part / whole), exact in 128 bits (a share of a byte count).
std::uint64_t gpu_share(std::uint64_t total, std::uint64_t part, std::uint64_t whole);

}  // namespace maia
