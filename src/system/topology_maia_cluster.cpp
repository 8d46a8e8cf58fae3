// maia-cluster: Maia trays joined by two switched Ethernet tiers. Each chip's scale-out ports go,
// `scaleout.ports_per_plane` per plane, to one T0 switch in each of `scaleout.planes` planes; a
// T0 gives `t0.down_ports` to chips and the rest of its radix to T1 (one port to each T1 switch
// of its plane), and a T1 joins `t1.radix` T0s. With the spec's figures: 48 chips (12 trays) per
// T0, 96:32 = 3:1 oversubscribed to T1, at most 48 x 128 = 6,144 chips. Traffic is sprayed over
// every plane and port, so a chip reaches the switches at planes x ports x port speed.
#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "topology_kinds.hpp"
#include "topology_knob_builders.hpp"
#include "tray_links.hpp"

namespace maia {
namespace {

using P = Provenance;
using topology_knobs::integer;
using topology_knobs::real;

class MaiaCluster : public Topology {
 public:
  MaiaCluster(const ChipConfig& chip, const TopologyBuild& b)
      : chip_(chip), tray_(chip_, b.where), chips_(b.chips) {
    const auto& p = b.params;
    planes_ = p.integer("scaleout.planes");
    ports_per_plane_ = p.integer("scaleout.ports_per_plane");
    const double port_gbps = std::min(chip_.nic.port_gbps, p.number("switch.port_gbps"));
    t0_latency_ns_ = p.number("t0.latency_ns");
    t1_latency_ns_ = p.number("t1.latency_ns");
    const std::int64_t radix = p.integer("t0.radix");
    down_ = p.integer("t0.down_ports");
    up_ = radix - down_;
    if (planes_ * ports_per_plane_ > chip_.nic.scaleout_ports)
      throw InputError(fmt::format(
          "{}: topology.scaleout: {} planes x {} ports per plane need {} scale-out ports, more "
          "than the chip has (nic.scaleout_ports = {}), got planes = {}",
          b.where, planes_, ports_per_plane_, planes_ * ports_per_plane_, chip_.nic.scaleout_ports,
          planes_));
    if (up_ < 1)
      throw InputError(fmt::format(
          "{}: topology.t0.down_ports: must leave at least one of the T0's {} ports for T1, got {}",
          b.where, radix, down_));
    if (down_ % ports_per_plane_ != 0 || (down_ / ports_per_plane_) % tray_.size() != 0)
      throw InputError(fmt::format(
          "{}: topology.t0.down_ports: must be a whole number of trays ({} chips x {} ports per "
          "plane), got {}",
          b.where, tray_.size(), ports_per_plane_, down_));
    chips_per_t0_ = down_ / ports_per_plane_;
    max_chips_ = chips_per_t0_ * p.integer("t1.radix");
    scaleout_gbytes_per_s_ = static_cast<double>(planes_ * ports_per_plane_) * port_gbps / 8.0;
    chip_port_gbytes_per_s_ = port_gbps / 8.0;
    switch_port_gbytes_per_s_ = p.number("switch.port_gbps") / 8.0;
    if (chips_ > max_chips_)
      throw InputError(fmt::format(
          "{}: chips: topology maia-cluster holds at most {} chips ({} per T0 x t1.radix {}), got "
          "{}",
          b.where, max_chips_, chips_per_t0_, p.integer("t1.radix"), chips_));
    (void)tiers(chips_, b.where + ": chips");
  }

  std::string_view name() const override { return "maia-cluster"; }
  std::int64_t chips() const override { return chips_; }

  std::vector<Tier> tiers(std::int64_t n, const std::string& where) const override {
    if (n < 1 || n > chips_)
      throw InputError(
          fmt::format("{}: ranks: the maia-cluster system has {} chips, got {}", where, chips_, n));
    const std::int64_t t = tray_.size();
    if (n == 1) return {};
    if (n <= t)
      return {Tier{"tray", LinkResource::kTrayLinks, n, tray_.latency_ns(),
                   static_cast<double>(n - 1) * tray_.weakest_link(n), tray_.best_ring_edge(n)}};
    if (n % t != 0)
      throw InputError(fmt::format(
          "{}: ranks: a group larger than a tray must be whole trays of {} chips, got {}", where, t,
          n));
    std::vector<Tier> out = {Tier{"tray", LinkResource::kTrayLinks, t, tray_.latency_ns(),
                                  static_cast<double>(t - 1) * tray_.weakest_link(t),
                                  tray_.best_path_edge(t)}};
    const double t0_latency = tray_.latency_ns() + t0_latency_ns_;
    if (n <= chips_per_t0_) {
      out.push_back(Tier{"t0", LinkResource::kScaleOutPorts, n / t, t0_latency,
                         scaleout_gbytes_per_s_, scaleout_gbytes_per_s_});
      return out;
    }
    if (n % chips_per_t0_ != 0)
      throw InputError(fmt::format(
          "{}: ranks: a group larger than one T0 ({} chips) must be whole T0 groups, got {}", where,
          chips_per_t0_, n));
    out.push_back(Tier{"t0", LinkResource::kScaleOutPorts, chips_per_t0_ / t, t0_latency,
                       scaleout_gbytes_per_s_, scaleout_gbytes_per_s_});
    out.push_back(Tier{"t1", LinkResource::kScaleOutPorts, n / chips_per_t0_,
                       t0_latency + t0_latency_ns_ + t1_latency_ns_, t1_gbytes_per_s(),
                       scaleout_gbytes_per_s_});
    return out;
  }

  PairHop pair(std::int64_t, std::int64_t offset) const override {
    if (offset < tray_.size()) return {tray_.latency_ns(), tray_.link_gbytes_per_s(0, offset)};
    const double t0_latency = tray_.latency_ns() + t0_latency_ns_;
    if (offset < chips_per_t0_) return {t0_latency, scaleout_gbytes_per_s_};
    return {t0_latency + t0_latency_ns_ + t1_latency_ns_, t1_gbytes_per_s()};
  }

  // Trays of direct links; for a group beyond one tray, each chip's ports_per_plane ports in each
  // plane to its T0 group's switch of that plane; beyond one T0 group, each T0's up ports, one to
  // each T1 of its plane (t0.radix - t0.down_ports T1s per plane), so the down:up ratio is the
  // oversubscription. Switch ports run at switch.port_gbps (chip ports at the slower of it and
  // nic.port_gbps).
  NetworkSpec network(std::int64_t n, const std::string& where) const override {
    (void)tiers(n, where);
    NetworkSpec net;
    net.ranks = n;
    net.endpoint_latency_ns = tray_.latency_ns();
    const std::int64_t t = tray_.size();
    for (std::int64_t first = 0; first < n; first += t)
      tray_.add_links(net, first, std::min(t, n - first));
    if (n <= t) return net;
    const std::int64_t groups = (n + chips_per_t0_ - 1) / chips_per_t0_;
    auto t0 = [&](std::int64_t g, std::int64_t p) { return n + g * planes_ + p; };
    for (std::int64_t g = 0; g < groups; ++g)
      for (std::int64_t p = 0; p < planes_; ++p)
        net.switches.push_back({fmt::format("t0.g{}.p{}", g, p), t0_latency_ns_});
    for (std::int64_t c = 0; c < n; ++c)
      for (std::int64_t p = 0; p < planes_; ++p)
        for (std::int64_t j = 0; j < ports_per_plane_; ++j)
          net.links.push_back({fmt::format("scaleout:c{}.p{}.{}", c, p, j), c,
                               t0(c / chips_per_t0_, p), chip_port_gbytes_per_s_});
    if (groups == 1) return net;
    const std::int64_t first_t1 = n + groups * planes_;
    for (std::int64_t p = 0; p < planes_; ++p)
      for (std::int64_t k = 0; k < up_; ++k)
        net.switches.push_back({fmt::format("t1.p{}.k{}", p, k), t1_latency_ns_});
    for (std::int64_t g = 0; g < groups; ++g)
      for (std::int64_t p = 0; p < planes_; ++p)
        for (std::int64_t k = 0; k < up_; ++k)
          net.links.push_back({fmt::format("up:t0.g{}.p{}-t1.p{}.k{}", g, p, p, k), t0(g, p),
                               first_t1 + p * up_ + k, switch_port_gbytes_per_s_});
    return net;
  }

  std::string summary() const override {
    return fmt::format(
        "maia-cluster: {} chips, trays of {}, {} per T0 ({}:{} to T1), {:g} GB/s scale-out per "
        "chip over {} planes",
        chips_, tray_.size(), chips_per_t0_, down_, up_, scaleout_gbytes_per_s_, planes_);
  }

 private:
  // Every chip under a T0 sending up at once shares its up ports: down:up oversubscription.
  double t1_gbytes_per_s() const {
    return scaleout_gbytes_per_s_ *
           std::min(1.0, static_cast<double>(up_) / static_cast<double>(down_));
  }

  ChipConfig chip_;
  TrayLinks tray_;
  std::int64_t chips_;
  std::int64_t planes_ = 0, ports_per_plane_ = 0, down_ = 0, up_ = 0;
  std::int64_t chips_per_t0_ = 0, max_chips_ = 0;
  double t0_latency_ns_ = 0, t1_latency_ns_ = 0, scaleout_gbytes_per_s_ = 0;
  double chip_port_gbytes_per_s_ = 0, switch_port_gbytes_per_s_ = 0;
};

}  // namespace

TopologyKind maia_cluster_topology() {
  return {
      "maia-cluster",
      "Maia trays (links from nic.tray_links) joined by a T0 and a T1 switched Ethernet tier over "
      "the chip's scale-out ports; up to T0 chips x t1.radix chips",
      {integer("scaleout.planes", "planes", 1, 64, P::kSecondHand, 4,
               "network planes, one T0 per plane for each group of trays",
               "8 scale-out ports in 4 planes x 2 (spec: Tray)"),
       integer("scaleout.ports_per_plane", "ports", 1, 64, P::kSecondHand, 2,
               "chip ports to its T0 in each plane", "4 planes x 2 x 400G (spec: Tray)"),
       real("switch.port_gbps", "Gb/s", 1, 3200, P::kSecondHand, 400,
            "switch port speed (T0 and T1); a link runs at the slower of it and nic.port_gbps",
            "T0 51.2 Tb/s = 128 x 400G (spec: Switched tiers)"),
       integer("t0.radix", "ports", 2, 4096, P::kSecondHand, 128, "ports of one T0 switch",
               "128 x 400G (spec: Switched tiers)"),
       integer("t0.down_ports", "ports", 1, 4096, P::kSecondHand, 96,
               "T0 ports to chips; the rest go up to T1 (down:up is the oversubscription)",
               "96 ports to 48 chips, 32 up, 3:1 (spec: Switched tiers)"),
       real("t0.latency_ns", "ns", 0, 100000, P::kAssumption, 600,
            "forwarding latency of a T0 switch",
            "not public; typical of a 51.2 Tb/s Ethernet switch"),
       integer("t1.radix", "ports", 1, 4096, P::kInferred, 128,
               "T0 switches one T1 switch joins (one port each)",
               "6,144 chips = 48 per T0 x 128 (spec: Switched tiers)"),
       real("t1.latency_ns", "ns", 0, 100000, P::kAssumption, 600,
            "forwarding latency of a T1 switch", "not public; same part as T0 assumed")},
      [](const TopologyBuild& b) -> std::unique_ptr<Topology> {
        return std::make_unique<MaiaCluster>(maia_chip_of(b, "maia-cluster"), b);
      }};
}

}  // namespace maia
