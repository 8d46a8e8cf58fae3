#include "maia/hw/gpu/gpu_nvlink.hpp"

#include <algorithm>

namespace maia {

GpuNvLink::GpuNvLink(sc_core::sc_module_name name, const GpuLinkConfig& cfg)
    : sc_module(name),
      gbps_(static_cast<double>(cfg.links) * cfg.gbps_per_link),
      latency_(ns_to_ps(cfg.latency_ns)) {}

Picos GpuNvLink::exchange(Picos earliest, std::uint64_t bytes) {
  const Picos dur = transfer_ps(static_cast<double>(bytes), gbps_);
  const Reservation tx = tx_.reserve_bytes(earliest, dur, bytes);
  const Reservation rx = rx_.reserve_bytes(earliest, dur, bytes);
  return std::max(tx.end, rx.end) + latency_;
}

void GpuNvLink::retire_before(Picos t) {
  tx_.retire_before(t);
  rx_.retire_before(t);
}

void GpuNvLink::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  g.set("tx_bytes", static_cast<double>(tx_.bytes()), "B", "bytes sent");
  g.set("rx_bytes", static_cast<double>(rx_.bytes()), "B", "bytes received");
  g.set("tx_busy_ns", ps_to_ns(tx_.busy_ps()), "ns", "send direction busy");
  g.set("rx_busy_ns", ps_to_ns(rx_.busy_ps()), "ns", "receive direction busy");
  out.push_back(std::move(g));
}

}  // namespace maia
