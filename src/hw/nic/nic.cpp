#include "maia/hw/nic/nic.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

Nic::Nic(sc_core::sc_module_name name, const NicConfig& cfg) : sc_module(name), cfg_(cfg) {
  ports_.resize(static_cast<std::size_t>(cfg.ports));
  std::size_t p = 0;
  tray_groups_.resize(cfg.tray_links.size());
  for (std::size_t peer = 0; peer < cfg.tray_links.size(); ++peer)
    for (std::int64_t i = 0; i < cfg.tray_links[peer] && p < ports_.size(); ++i) {
      tray_groups_[peer].push_back(p);
      ports_[p++].role = fmt::format("tray{}", peer);
    }
  for (std::int64_t i = 0; i < cfg.scaleout_ports && p < ports_.size(); ++i)
    ports_[p++].role = "scaleout";
  for (; p < ports_.size(); ++p) ports_[p].role = "unused";
}

Flow Nic::transmit(std::size_t p, std::uint64_t bytes, Flow in) {
  const Picos dur = transfer_ps(static_cast<double>(bytes), port_gbytes_per_s());
  const Reservation r = reserve_paced(ports_.at(p).tx, in, dur, bytes);
  const Picos lat = ns_to_ps(cfg_.latency_ns);
  return {r.start + lat, r.end + lat};
}

std::vector<std::size_t> Nic::tray_ports(std::size_t peer) const {
  return peer < tray_groups_.size() ? tray_groups_[peer] : std::vector<std::size_t>{};
}

Flow Nic::exchange(std::size_t peer, std::uint64_t bytes, Flow in) {
  static const std::vector<std::size_t> kNone;
  const std::vector<std::size_t>& group = peer < tray_groups_.size() ? tray_groups_[peer] : kNone;
  if (group.empty())
    throw SimulationError(fmt::format("{}: no port wired to tray peer {}", name(), peer));
  std::size_t p = group.front();
  for (std::size_t q : group)
    if (ports_[q].tx.free_at() < ports_[p].tx.free_at()) p = q;
  const Flow sent = transmit(p, bytes, in);
  // The peer sent the same bytes at the same time: they occupy this port's receive side.
  const Picos dur = transfer_ps(static_cast<double>(bytes), port_gbytes_per_s());
  const Reservation r = reserve_paced(ports_[p].rx, sent, dur, bytes);
  return {r.start, r.end};
}

void Nic::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  std::uint64_t tx = 0, rx = 0;
  int tray = 0, scaleout = 0;
  for (const auto& p : ports_) {
    tx += p.tx.bytes();
    rx += p.rx.bytes();
    tray += p.role.rfind("tray", 0) == 0;
    scaleout += p.role == "scaleout";
  }
  g.set("ports", static_cast<double>(ports_.size()), "count", "Ethernet ports");
  g.set("tray_ports", tray, "count", "ports wired to tray peers");
  g.set("scaleout_ports", scaleout, "count", "ports to the switched network");
  g.set("port_gbps", cfg_.port_gbps, "Gb/s", "line rate per port per direction");
  g.set("total_gbytes_per_s", total_gbytes_per_s(), "GB/s", "all ports, one direction");
  g.set("tx_bytes", static_cast<double>(tx), "B", "bytes transmitted");
  g.set("rx_bytes", static_cast<double>(rx), "B", "bytes received");
  out.push_back(std::move(g));
}

}  // namespace maia
