#include "maia/kernels/gpu/gpu_lowering.hpp"

#include <type_traits>

namespace maia {

std::vector<GpuKernel> lower_gpu_operator(const GpuConfig& cfg, const Operator& op) {
  return std::visit(
      [&](const auto& shape) -> std::vector<GpuKernel> {
        using Shape = std::decay_t<decltype(shape)>;
        if constexpr (std::is_same_v<Shape, GemmShape>) {
          return lower_gpu_gemm(cfg, shape, op.cost, op.name);
        } else if constexpr (std::is_same_v<Shape, AttentionShape>) {
          return {lower_gpu_attention(cfg, shape, op.cost, op.name)};
        } else if constexpr (std::is_same_v<Shape, VectorShape>) {
          return {lower_gpu_vector(cfg, shape, op.cost, op.name)};
        } else {
          return {lower_gpu_collective(shape, op.cost, op.name)};
        }
      },
      op.shape);
}

}  // namespace maia
