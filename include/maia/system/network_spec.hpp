#pragma once
// The physical network of a group of ranks, as a topology wires it (plain data; the detailed
// collective fidelity turns it into SystemC links and switches, hw/net): ranks are nodes
// 0..ranks-1, switches nodes ranks.., and every link is one port-to-port cable (a tray pair of
// 6 ports is 6 links). The memory-to-memory latency of one message between two chips
// (nic.latency_ns) is the endpoints'; switches add their forwarding latency; links none.
#include <cstdint>
#include <string>
#include <vector>

namespace maia {

struct NetworkSpec {
  struct Switch {
    std::string name;
    double forward_latency_ns = 0;
  };
  struct Link {
    std::string name;
    std::int64_t a = 0, b = 0;  // node ids
    double gbytes_per_s = 0;    // per direction
  };
  std::int64_t ranks = 0;
  double endpoint_latency_ns = 0;
  std::vector<Switch> switches;
  std::vector<Link> links;
};

}  // namespace maia
