#include "maia/hw/gpu/gpu_sm_array.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/gpu/gpu_peaks.hpp"

namespace maia {

GpuSmArray::GpuSmArray(sc_core::sc_module_name name, const GpuSmConfig& cfg, double clock_ghz)
    : sc_module(name),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      tensor_(static_cast<std::size_t>(cfg.count)),
      vector_(static_cast<std::size_t>(cfg.count)) {}

std::int64_t GpuSmArray::resident_ctas(std::int64_t smem_bytes) const {
  const std::int64_t by_smem =
      smem_bytes > 0 ? cfg_.shared_memory_bytes / smem_bytes : cfg_.max_ctas;
  if (by_smem < 1)
    throw SimulationError(fmt::format("{}: a CTA needs {} bytes of shared memory, an SM has {}",
                                      name(), smem_bytes, cfg_.shared_memory_bytes));
  return std::max<std::int64_t>(1, std::min(by_smem, cfg_.max_ctas));
}

Reservation GpuSmArray::run_tensor(std::int64_t sm, Picos earliest, std::uint64_t macs, DType t,
                                   double efficiency) {
  macs_ += macs;
  const double cycles =
      static_cast<double>(macs) / (gpu_macs_per_cycle(cfg_, t) * std::max(efficiency, 1e-6));
  return tensor_[static_cast<std::size_t>(sm)].reserve(earliest, cycles_to_ps(cycles, clock_ghz_));
}

Reservation GpuSmArray::run_vector(std::int64_t sm, Picos earliest, std::uint64_t ops,
                                   std::uint64_t sfu_ops) {
  vector_ops_ += ops;
  sfu_ops_ += sfu_ops;
  const double lane_cycles =
      static_cast<double>(ops) / static_cast<double>(std::max<std::int64_t>(1, cfg_.fp32_lanes));
  const double sfu_cycles = static_cast<double>(sfu_ops) /
                            static_cast<double>(std::max<std::int64_t>(1, cfg_.sfu_per_cycle));
  return vector_[static_cast<std::size_t>(sm)].reserve(
      earliest, cycles_to_ps(std::max(lane_cycles, sfu_cycles), clock_ghz_));
}

Picos GpuSmArray::tensor_busy_ps() const {
  Picos busy = 0;
  for (const auto& s : tensor_) busy += s.busy_ps();
  return busy;
}

Picos GpuSmArray::vector_busy_ps() const {
  Picos busy = 0;
  for (const auto& s : vector_) busy += s.busy_ps();
  return busy;
}

void GpuSmArray::retire_before(Picos t) {
  for (auto& s : tensor_) s.retire_before(t);
  for (auto& s : vector_) s.retire_before(t);
}

void GpuSmArray::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  g.set("ctas", static_cast<double>(ctas_), "", "CTAs run");
  g.set("tensor_macs", static_cast<double>(macs_), "", "tensor-core multiply-accumulates");
  g.set("vector_ops", static_cast<double>(vector_ops_), "", "FP32 lane operations");
  g.set("sfu_ops", static_cast<double>(sfu_ops_), "", "SFU operations");
  g.set("tensor_busy_ns", ps_to_ns(tensor_busy_ps()), "ns", "tensor pipe busy, summed over SMs");
  g.set("vector_busy_ns", ps_to_ns(vector_busy_ps()), "ns", "vector pipe busy, summed over SMs");
  out.push_back(std::move(g));
}

}  // namespace maia
