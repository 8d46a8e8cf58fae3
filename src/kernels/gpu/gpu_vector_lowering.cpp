// A fused element-wise or row-wise function (the operator's named vector function) as one
// streaming kernel: its bytes once, FP32 lane operations per element from the function table,
// one SFU operation per element for transcendental functions and per row for norms (rsqrt).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/kernels/gpu/gpu_lowering.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {

namespace {
bool transcendental(const std::string& f) {
  return f == "exp" || f == "silu" || f == "swiglu" || f == "gelu" || f == "softmax";
}
}  // namespace

GpuKernel lower_gpu_vector(const GpuConfig& cfg, const VectorShape& v, const OpCost& cost,
                           const std::string& name) {
  const VectorFunction* f = find_vector_function(v.function);
  if (f == nullptr)
    throw InputError(fmt::format("{}: unknown vector function '{}'", name, v.function));
  if (v.elements <= 0 || v.rows <= 0)
    throw InputError(
        fmt::format("{}: elements ({}) and rows ({}) must be positive", name, v.elements, v.rows));
  const auto elements = static_cast<double>(v.elements);
  // At least the lane operations its FLOPs take (an FMA is two).
  const double ops = std::max(f->pipe_ops_per_element * elements,
                              std::ceil(static_cast<double>(cost.flops) / 2.0));
  std::uint64_t sfu = 0;
  if (transcendental(v.function)) sfu = static_cast<std::uint64_t>(v.elements);
  if (v.function == "rmsnorm" || v.function == "layernorm")
    sfu = static_cast<std::uint64_t>(v.rows);
  const std::uint64_t reads = cost.activation_read_bytes + cost.weight_bytes + cost.kv_read_bytes;
  const std::uint64_t writes = cost.activation_write_bytes + cost.kv_write_bytes;
  return gpu_streaming_kernel(cfg, name, reads, writes, static_cast<std::uint64_t>(ops), sfu);
}

}  // namespace maia
