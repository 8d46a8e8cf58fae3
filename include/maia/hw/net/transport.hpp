#pragma once
// The transport (Maia's ATL over Ethernet) as the network model sees it: a message is cut into
// packets of at most `packet_bytes` of payload, each carrying `header_bytes` more on the wire
// (framing, L3 and transport headers), so goodput = payload / (payload + header). Packets of one
// message are sprayed over the parallel links and planes of their route (spray_policy.hpp) and
// may arrive out of order; the message completes when its last packet has arrived.
#include <algorithm>
#include <cstdint>
#include <string>

namespace maia {

struct Transport {
  std::uint64_t packet_bytes = 4096;  // payload per packet (MTU less headers)
  std::uint64_t header_bytes = 74;    // wire bytes per packet beyond the payload
  std::string spray = "round-robin";

  std::uint64_t packets(std::uint64_t payload) const {
    return payload == 0 ? 1 : (payload + packet_bytes - 1) / packet_bytes;
  }
  // Wire bytes of a message of `payload` bytes (an empty message still sends one header).
  std::uint64_t wire_bytes(std::uint64_t payload) const {
    return payload + packets(payload) * header_bytes;
  }
  double goodput() const {
    return static_cast<double>(packet_bytes) / static_cast<double>(packet_bytes + header_bytes);
  }
};

}  // namespace maia
