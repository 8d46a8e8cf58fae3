// switched: one non-blocking switch domain (an NVLink/NVSwitch server, a single Ethernet switch):
// every chip reaches every other through the switch at its own bandwidth and one latency. The
// figures have no defaults: the system file states them (an NVLink domain's come from the GPU's
// nvlink links x gbps_per_link, which the file says in its description).
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

  std::string summary() const override {
    return fmt::format("switched: {} chips on one non-blocking switch, {:g} GB/s per chip, {:g} ns",
                       chips_, gbytes_per_s_, latency_ns_);
  }

 private:
  std::int64_t chips_, max_chips_;
  double gbytes_per_s_, latency_ns_;
};

}  // namespace

TopologyKind switched_topology() {
  using topology_knobs::integer;
  using topology_knobs::real;
  TopologyKnob max_chips =
      integer("max_chips", "chips", 2, 65536, Provenance::kOfficial, 0,
              "chips the switch domain joins (NVLink: nvlink.domain_gpus)", "given by the file");
  max_chips.default_value = nullptr;
  return {"switched",
          "one non-blocking switch domain (NVLink/NVSwitch): per-chip bandwidth and latency; "
          "every knob is given by the system file",
          {real("gbytes_per_s", "GB/s", 0.001, 1e6, Provenance::kOfficial, nullptr,
                "per chip per direction into the switch (NVLink: links x gbps_per_link)",
                "given by the file"),
           real("latency_ns", "ns", 0, 1e6, Provenance::kOfficial, nullptr,
                "one message through the switch, memory to memory", "given by the file"),
           max_chips},
          [](const TopologyBuild& b) -> std::unique_ptr<Topology> {
            return std::make_unique<Switched>(b);
          }};
}

}  // namespace maia
