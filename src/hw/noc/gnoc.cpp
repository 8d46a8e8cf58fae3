#include "maia/hw/noc/gnoc.hpp"

#include <fmt/format.h>

#include "maia/hw/chip/peaks.hpp"

namespace maia {
namespace {
enum Dir { kEast = 0, kWest = 1, kSouth = 2, kNorth = 3 };
}

Gnoc::Gnoc(sc_core::sc_module_name name, const GnocConfig& cfg)
    : sc_module(name),
      cfg_(cfg),
      hop_latency_(
          cycles_to_ps(static_cast<double>(cfg.router_latency_cycles + cfg.link_latency_cycles),
                       cfg.clock_ghz)) {
  const std::int64_t routers = cfg.mesh_cols * cfg.mesh_rows;
  mesh_link_index_.assign(static_cast<std::size_t>(routers * 4), -1);
  for (std::int64_t r = 0; r < routers; ++r) {
    const std::int64_t x = r % cfg.mesh_cols, y = r / cfg.mesh_cols;
    const std::int64_t nbr[4] = {x + 1 < cfg.mesh_cols ? r + 1 : -1, x > 0 ? r - 1 : -1,
                                 y + 1 < cfg.mesh_rows ? r + cfg.mesh_cols : -1,
                                 y > 0 ? r - cfg.mesh_cols : -1};
    for (int d = 0; d < 4; ++d) {
      if (nbr[d] < 0) continue;
      mesh_link_index_[static_cast<std::size_t>(r * 4 + d)] = static_cast<int>(links_.size());
      links_.push_back({fmt::format("r{}->r{}", r, nbr[d]), {}, {}});
    }
  }
}

int Gnoc::add_endpoint(const std::string& name, std::int64_t router) {
  endpoints_.push_back({name, router});
  links_.push_back({name + ".inject", {}, {}});
  links_.push_back({name + ".eject", {}, {}});
  return static_cast<int>(endpoints_.size()) - 1;
}

int Gnoc::mesh_link(std::int64_t from, std::int64_t to) const {
  int d = kEast;
  if (to == from - 1) d = kWest;
  if (to == from + cfg_.mesh_cols) d = kSouth;
  if (to == from - cfg_.mesh_cols) d = kNorth;
  return mesh_link_index_[static_cast<std::size_t>(from * 4 + d)];
}

std::vector<int> Gnoc::route(std::int64_t src_router, std::int64_t dst_router) const {
  std::vector<int> out;
  std::int64_t cur = src_router;
  const std::int64_t dx = dst_router % cfg_.mesh_cols, dy = dst_router / cfg_.mesh_cols;
  while (cur % cfg_.mesh_cols != dx) {  // X first
    const std::int64_t next = cur % cfg_.mesh_cols < dx ? cur + 1 : cur - 1;
    out.push_back(mesh_link(cur, next));
    cur = next;
  }
  while (cur / cfg_.mesh_cols != dy) {  // then Y
    const std::int64_t next =
        cur / cfg_.mesh_cols < dy ? cur + cfg_.mesh_cols : cur - cfg_.mesh_cols;
    out.push_back(mesh_link(cur, next));
    cur = next;
  }
  return out;
}

const std::vector<int>& Gnoc::path(int src, int dst) const {
  const std::size_t n = endpoints_.size();
  if (path_cache_.size() != n * n) path_cache_.assign(n * n, {});
  std::vector<int>& p =
      path_cache_[static_cast<std::size_t>(src) * n + static_cast<std::size_t>(dst)];
  if (!p.empty()) return p;
  const int mesh_links = static_cast<int>(links_.size()) - 2 * static_cast<int>(n);
  p.push_back(mesh_links + 2 * src);  // injection port
  for (int l : route(endpoints_[static_cast<std::size_t>(src)].router,
                     endpoints_[static_cast<std::size_t>(dst)].router))
    p.push_back(l);
  p.push_back(mesh_links + 2 * dst + 1);  // ejection port
  return p;
}

int Gnoc::hops(int src, int dst) const { return static_cast<int>(path(src, dst).size()); }

double Gnoc::link_gbps(NocPlane plane) const {
  if (plane == NocPlane::kData) return noc_link_gbps(cfg_);
  return static_cast<double>(cfg_.control_link_bytes_per_cycle) * cfg_.clock_ghz;
}

Flow Gnoc::traverse(const std::vector<int>& links, NocPlane plane, std::uint64_t bytes, Flow in) {
  const Picos dur = transfer_ps(static_cast<double>(bytes), link_gbps(plane));
  for (int l : links) {
    auto& server = plane == NocPlane::kData ? links_[static_cast<std::size_t>(l)].data
                                            : links_[static_cast<std::size_t>(l)].control;
    const Reservation r = reserve_paced(server, in, dur, bytes);
    in = {r.start + hop_latency_, r.end + hop_latency_};
  }
  return in;
}

Flow Gnoc::transfer(int src, int dst, std::uint64_t bytes, Flow in) {
  return traverse(path(src, dst), NocPlane::kData, bytes, in);
}

Picos Gnoc::control_message(int src, int dst, Picos at) {
  const auto bytes = static_cast<std::uint64_t>(cfg_.control_message_bytes);
  return traverse(path(src, dst), NocPlane::kControl, bytes, {at, at}).last;
}

void Gnoc::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup total(name());
  std::uint64_t data_bytes = 0, control_bytes = 0;
  Picos busy = 0, wait = 0, max_busy = 0;
  std::string hottest;
  for (const auto& l : links_) {
    data_bytes += l.data.bytes();
    control_bytes += l.control.bytes();
    busy += l.data.busy_ps();
    wait += l.data.wait_ps();
    if (l.data.busy_ps() > max_busy) {
      max_busy = l.data.busy_ps();
      hottest = l.name;
    }
  }
  total.set("data_link_bytes", static_cast<double>(data_bytes), "B",
            "bytes carried, summed over data-plane links incl. injection/ejection ports (a byte "
            "counts once per link it crosses)");
  total.set("control_link_bytes", static_cast<double>(control_bytes), "B",
            "bytes carried, summed over control-plane links");
  total.set("data_link_busy_ns", ps_to_ns(busy), "ns", "sum over data links of busy time");
  total.set("data_link_wait_ns", ps_to_ns(wait), "ns",
            "sum over data links of time transfers queued (contention)");
  total.set("hottest_link_busy_ns", ps_to_ns(max_busy), "ns", "busy time of the busiest link");
  total.set("link_peak_gbps", link_gbps(NocPlane::kData), "GB/s", "data-plane link bandwidth");
  out.push_back(std::move(total));
  for (const auto& l : links_) {
    if (l.data.bytes() == 0 && l.control.bytes() == 0) continue;
    StatGroup g(std::string(name()) + "." + l.name);
    g.set("data_bytes", static_cast<double>(l.data.bytes()), "B", "data-plane bytes");
    g.set("data_busy_ns", ps_to_ns(l.data.busy_ps()), "ns", "data-plane busy time");
    g.set("data_wait_ns", ps_to_ns(l.data.wait_ps()), "ns", "data-plane queueing");
    g.set("control_bytes", static_cast<double>(l.control.bytes()), "B", "control-plane bytes");
    out.push_back(std::move(g));
  }
}

}  // namespace maia
