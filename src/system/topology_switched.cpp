// switched: one non-blocking switch domain (an NVLink/NVSwitch server, a single Ethernet switch):
// every chip reaches every other through the switch at its own bandwidth and one latency. The
// figures have no defaults: the system file states each one, as a number or as "chip" to take
// it from a GPU chip's nvlink block (links x gbps_per_link, latency_ns, domain_gpus).
#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "topology_kinds.hpp"
#include "topology_knob_builders.hpp"

namespace maia {
namespace {

class Switched : public Topology {
 public:
  explicit Switched(const TopologyBuild& b)
      : chips_(b.chips),
        max_chips_(b.params.integer("max_chips")),
        gbytes_per_s_(b.params.number("gbytes_per_s")),
        latency_ns_(b.params.number("latency_ns")) {
    if (chips_ > max_chips_)
      throw InputError(fmt::format(
          "{}: chips: the switch domain joins at most topology.max_chips = {} chips, got {}",
          b.where, max_chips_, chips_));
  }

  std::string_view name() const override { return "switched"; }
  std::int64_t chips() const override { return chips_; }

  std::vector<Tier> tiers(std::int64_t n, const std::string& where) const override {
    if (n < 1 || n > chips_)
      throw InputError(
          fmt::format("{}: ranks: the switched system has {} chips, got {}", where, chips_, n));
    if (n == 1) return {};
    return {
        Tier{"switch", LinkResource::kSwitchPorts, n, latency_ns_, gbytes_per_s_, gbytes_per_s_}};
  }

  PairHop pair(std::int64_t, std::int64_t) const override { return {latency_ns_, gbytes_per_s_}; }

  // One switch, one link of the per-chip bandwidth from each chip; the domain's latency is the
  // endpoints' (memory to memory), the switch adds none of its own.
  NetworkSpec network(std::int64_t n, const std::string& where) const override {
    (void)tiers(n, where);
    NetworkSpec net;
    net.ranks = n;
    net.endpoint_latency_ns = latency_ns_;
    net.switches.push_back({"switch", 0.0});
    for (std::int64_t c = 0; c < n; ++c)
      net.links.push_back({fmt::format("switch:c{}", c), c, n, gbytes_per_s_});
    return net;
  }

  std::string summary() const override {
    return fmt::format("switched: {} chips on one non-blocking switch, {:g} GB/s per chip, {:g} ns",
                       chips_, gbytes_per_s_, latency_ns_);
  }

 private:
  std::int64_t chips_, max_chips_;
  double gbytes_per_s_, latency_ns_;
};

// A GPU chip's NVLink figure, or null for a chip without NVLink.
TopologyKnob nvlink_reference(TopologyKnob k, std::string from,
                              nlohmann::json (*read)(const GpuLinkConfig&)) {
  k.from_chip = std::move(from);
  k.chip_value = [read](const AnyChipConfig& chip) -> nlohmann::json {
    if (const auto* g = std::get_if<GpuConfig>(&chip)) return read(g->nvlink);
    return nullptr;
  };
  return k;
}

}  // namespace

TopologyKind switched_topology() {
  using topology_knobs::integer;
  using topology_knobs::real;
  const std::string note = "stated by the system file (a number, or \"chip\")";
  TopologyKnob max_chips = integer("max_chips", "chips", 2, 65536, Provenance::kOfficial, 0,
                                   "chips the switch domain joins", note);
  max_chips.default_value = nullptr;
  return {
      "switched",
      "one non-blocking switch domain (NVLink/NVSwitch): per-chip bandwidth and latency; "
      "every knob is given by the system file, as a number or \"chip\" (a GPU's nvlink)",
      {nvlink_reference(real("gbytes_per_s", "GB/s", 0.001, 1e6, Provenance::kOfficial, nullptr,
                             "per chip per direction into the switch", note),
                        "nvlink.links x nvlink.gbps_per_link",
                        [](const GpuLinkConfig& l) -> nlohmann::json {
                          return static_cast<double>(l.links) * l.gbps_per_link;
                        }),
       nvlink_reference(real("latency_ns", "ns", 0, 1e6, Provenance::kOfficial, nullptr,
                             "one message through the switch, memory to memory", note),
                        "nvlink.latency_ns",
                        [](const GpuLinkConfig& l) -> nlohmann::json { return l.latency_ns; }),
       nvlink_reference(max_chips, "nvlink.domain_gpus",
                        [](const GpuLinkConfig& l) -> nlohmann::json { return l.domain_gpus; })},
      [](const TopologyBuild& b) -> std::unique_ptr<Topology> {
        return std::make_unique<Switched>(b);
      }};
}

}  // namespace maia
