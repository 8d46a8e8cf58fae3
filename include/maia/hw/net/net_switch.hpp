#pragma once
// A network switch: ports, each attached to one link, and a forwarding latency. A packet that
// enters is forwarded `forward_latency` after its first byte arrived (cut-through) to the egress
// port its route picks; an egress port is the link direction leaving the switch, a shared
// bandwidth server, so packets from several ingress ports to one egress (incast) queue there.
// Statistics per port: bytes in and out, egress busy and queueing time.
#include <cstdint>
#include <string>
#include <vector>

#include "maia/hw/net/link_direction.hpp"

namespace maia {

class NetSwitch {
 public:
  NetSwitch(std::string name, Picos forward_latency)
      : name_(std::move(name)), forward_latency_(forward_latency) {}

  struct Port {
    LinkDirection* egress = nullptr;   // switch -> far end
    LinkDirection* ingress = nullptr;  // far end -> switch
  };

  void attach(LinkDirection* egress, LinkDirection* ingress) {
    ports_.push_back({egress, ingress});
  }

  // A packet whose bytes reach the switch as `in` is ready for its egress port at the returned
  // flow.
  Flow forward(Flow in) const { return {in.first + forward_latency_, in.last + forward_latency_}; }

  const std::string& name() const { return name_; }
  Picos forward_latency() const { return forward_latency_; }
  const std::vector<Port>& ports() const { return ports_; }

 private:
  std::string name_;
  Picos forward_latency_;
  std::vector<Port> ports_;
};

}  // namespace maia
