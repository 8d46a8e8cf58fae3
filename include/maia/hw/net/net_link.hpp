#pragma once
// A full-duplex network link between two nodes (a chip's NIC port and a tray peer's, or a chip's
// scale-out port and a switch port, or two switch ports): one LinkDirection each way, each with
// its own bandwidth server, so the two directions never contend.
#include <string>

#include "maia/hw/net/link_direction.hpp"

namespace maia {

class NetLink {
 public:
  NetLink(const std::string& name, int a, int b, const std::string& a_name,
          const std::string& b_name, double gbytes_per_s, Picos latency)
      : forward_(name + ":" + a_name + "->" + b_name, a, b, gbytes_per_s, latency),
        backward_(name + ":" + b_name + "->" + a_name, b, a, gbytes_per_s, latency) {}

  LinkDirection& from(int node) { return node == forward_.from() ? forward_ : backward_; }
  LinkDirection& forward() { return forward_; }
  LinkDirection& backward() { return backward_; }

 private:
  LinkDirection forward_, backward_;
};

}  // namespace maia
