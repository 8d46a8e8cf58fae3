#include "maia/system/transport_config.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/config/config_tree.hpp"
#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "topology_knob_builders.hpp"

namespace maia {

const std::vector<TopologyKnob>& transport_knobs() {
  using topology_knobs::integer;
  static const std::vector<TopologyKnob> knobs = [] {
    std::vector<TopologyKnob> k = {
        integer("packet_bytes", "B", 64, 65536, Provenance::kAssumption, 4096,
                "payload bytes per packet (MTU less headers); a message is cut into packets",
                "not public; 4 KiB, the usual RDMA MTU on Ethernet"),
        integer("header_bytes", "B", 0, 1024, Provenance::kAssumption, 74,
                "wire bytes per packet beyond its payload: goodput = payload / (payload + header)",
                "Ethernet framing 38 (preamble 8, MAC 14, FCS 4, gap 12) + IPv4 20 (the spec's L3 "
                "routing) + ATL header 16 (not public)")};
    TopologyKnob spray = integer(
        "spray", "-", 0, 0, Provenance::kSecondHand, 0,
        "how a message's packets pick among parallel links and planes (the spec's packet spray); "
        "out-of-order receive: a message completes when its last packet arrives",
        "spray and out-of-order receive: spec (NIC); the policy is an assumption");
    spray.type = KnobType::kString;
    spray.choices = {"round-robin", "least-loaded"};
    spray.default_value = "round-robin";
    k.push_back(spray);
    return k;
  }();
  return knobs;
}

TransportConfig read_transport_config(const nlohmann::json& block, const std::string& where) {
  if (!block.is_object()) config_tree::fail(where, "transport", "must be an object", block);
  std::vector<std::string> known;
  for (const auto& k : transport_knobs()) known.push_back(k.path);
  TransportConfig t;
  for (auto it = block.begin(); it != block.end(); ++it) {
    const auto k = std::find_if(transport_knobs().begin(), transport_knobs().end(),
                                [&](const TopologyKnob& x) { return x.path == it.key(); });
    if (k == transport_knobs().end()) {
      const std::string hint = nearest_match(it.key(), known);
      throw InputError(fmt::format("{}: transport.{}: unknown key, knobs: {}{}", where, it.key(),
                                   fmt::join(known, ", "),
                                   hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    KnobInfo shown = *k;
    shown.path = fmt::format("transport.{}", k->path);
    config_tree::check_leaf(shown, it.value(), where);
    if (k->path == "packet_bytes") t.packet_bytes = it.value().get<std::int64_t>();
    if (k->path == "header_bytes") t.header_bytes = it.value().get<std::int64_t>();
    if (k->path == "spray") t.spray = it.value().get<std::string>();
  }
  return t;
}

}  // namespace maia
