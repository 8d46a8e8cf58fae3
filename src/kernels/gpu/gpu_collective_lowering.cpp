// Tensor-parallel collectives as a ring over the NVLink ports into a non-blocking switch: the
// buffer of B bytes in N chunks of B / N; all-reduce is a reduce-scatter then an all-gather,
// 2 (N - 1) steps, all-gather N - 1 steps; each step sends one chunk to the next rank while
// receiving one from the previous, at links x gbps_per_link per direction plus the link latency.
// The buffers' HBM traffic is the operator's cost, spread over the steps. The reduction
// arithmetic is not timed (it hides under the transfers). A simple model: the systems model of
// the node replaces it.
#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/kernels/gpu/gpu_lowering.hpp"

namespace maia {

GpuKernel lower_gpu_collective(const CollectiveShape& c, const OpCost& cost,
                               const std::string& name) {
  if (c.ranks < 2 || c.elements <= 0 || c.elements % c.ranks != 0)
    throw InputError(fmt::format(
        "{}: a collective needs ranks >= 2 and elements (> 0) divisible by ranks (got {} over {})",
        name, c.elements, c.ranks));
  const auto n = static_cast<std::uint64_t>(c.ranks);
  GpuRingCollective ring;
  ring.steps = (c.kind == CollectiveKind::kAllReduce ? 2 : 1) * (c.ranks - 1);
  ring.step_bytes = dtype_bytes(c.dtype, static_cast<std::uint64_t>(c.elements) / n);
  ring.hbm_read_bytes = cost.activation_read_bytes;
  ring.hbm_write_bytes = cost.activation_write_bytes;
  GpuKernel k;
  k.name = name;
  k.collective = ring;
  return k;
}

}  // namespace maia
