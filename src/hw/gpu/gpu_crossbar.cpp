#include "maia/hw/gpu/gpu_crossbar.hpp"

namespace maia {

GpuCrossbar::GpuCrossbar(sc_core::sc_module_name name, const GpuSmConfig& sm, double clock_ghz)
    : sc_module(name),
      port_gbps_(static_cast<double>(sm.l2_port_bytes_per_cycle) * clock_ghz),
      ports_(static_cast<std::size_t>(sm.count)) {}

Reservation GpuCrossbar::move(std::int64_t sm, Picos earliest, std::uint64_t bytes) {
  return ports_[static_cast<std::size_t>(sm)].reserve_bytes(
      earliest, transfer_ps(static_cast<double>(bytes), port_gbps_), bytes);
}

void GpuCrossbar::retire_before(Picos t) {
  for (auto& p : ports_) p.retire_before(t);
}

void GpuCrossbar::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  std::uint64_t bytes = 0;
  Picos busy = 0;
  for (const auto& p : ports_) {
    bytes += p.bytes();
    busy += p.busy_ps();
  }
  g.set("bytes", static_cast<double>(bytes), "B", "bytes between SMs and L2");
  g.set("busy_ns", ps_to_ns(busy), "ns", "port busy time, summed over SM ports");
  out.push_back(std::move(g));
}

}  // namespace maia
