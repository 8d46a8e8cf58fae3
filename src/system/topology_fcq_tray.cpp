// fcq-tray: one tray of Maia chips, fully connected by direct (unswitched) links from the chip's
// nic.tray_links and nic.port_gbps; no knobs of its own.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/core/error.hpp"
#include "topology_kinds.hpp"
#include "tray_links.hpp"

namespace maia {
namespace {

class FcqTray : public Topology {
 public:
  FcqTray(const ChipConfig& chip, std::int64_t chips, const std::string& where)
      : chip_(chip), links_(chip_, where), chips_(chips) {
    if (chips > links_.size())
      throw InputError(fmt::format(
          "{}: chips: topology fcq-tray holds one tray of {} chips (nic.tray_links has {} peers), "
          "got {}",
          where, links_.size(), links_.size() - 1, chips));
  }

  std::string_view name() const override { return "fcq-tray"; }
  std::int64_t chips() const override { return chips_; }

  std::vector<Tier> tiers(std::int64_t n, const std::string& where) const override {
    if (n < 1 || n > chips_)
      throw InputError(
          fmt::format("{}: ranks: the fcq-tray system has {} chips, got {}", where, chips_, n));
    if (n == 1) return {};
    // Equal shares to every peer: the weakest link decides how fast all of them drain.
    return {Tier{"tray", LinkResource::kTrayLinks, n, links_.latency_ns(),
                 static_cast<double>(n - 1) * links_.weakest_link(n), links_.best_ring_edge(n)}};
  }

  PairHop pair(std::int64_t, std::int64_t offset) const override {
    return {links_.latency_ns(), links_.link_gbytes_per_s(0, offset)};
  }

  NetworkSpec network(std::int64_t n, const std::string& where) const override {
    (void)tiers(n, where);
    NetworkSpec net;
    net.ranks = n;
    net.endpoint_latency_ns = links_.latency_ns();
    links_.add_links(net, 0, n);
    return net;
  }

  std::string summary() const override {
    return fmt::format("fcq-tray: {} chips fully connected, {} ports of {:g} Gb/s to the peers",
                       chips_, fmt::join(chip_.nic.tray_links, "/"), chip_.nic.port_gbps);
  }

 private:
  ChipConfig chip_;
  TrayLinks links_;
  std::int64_t chips_;
};

}  // namespace

TopologyKind fcq_tray_topology() {
  return {"fcq-tray",
          "one tray of fully connected chips (direct links, no switch); links per peer from the "
          "chip's nic.tray_links, port speed nic.port_gbps, latency nic.latency_ns",
          {},
          [](const TopologyBuild& b) -> std::unique_ptr<Topology> {
            return std::make_unique<FcqTray>(maia_chip_of(b, "fcq-tray"), b.chips, b.where);
          }};
}

}  // namespace maia
