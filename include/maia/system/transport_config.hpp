#pragma once
// The transport of a system's network (Maia's ATL over Ethernet), the `transport` block of a
// system config: packet payload size, header bytes per packet, and how packets are sprayed over
// parallel links and planes. Read by the detailed collective fidelity (src/netsim/); typed,
// validated and described like the topology knobs (maia-sim config --describe --system).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/system/topology_registry.hpp"

namespace maia {

struct TransportConfig {
  std::int64_t packet_bytes = 4096;
  std::int64_t header_bytes = 74;
  std::string spray = "round-robin";
};

// The knobs of the `transport` block (paths without the "transport." prefix), with defaults.
const std::vector<TopologyKnob>& transport_knobs();

// Reads a `transport` object: every key a knob (unknown keys and bad values are InputErrors
// naming `where` and transport.<key>), the others at their defaults.
TransportConfig read_transport_config(const nlohmann::json& block, const std::string& where);

}  // namespace maia
