#pragma once
// A network of chips, links and switches in one simulation: chip endpoints (net_endpoint.hpp)
// are nodes 0..E-1, switches nodes E.., joined by full-duplex links. Routing is hop by hop over
// shortest paths (every equal-cost next hop a candidate, chips never forward), so a tray peer is
// reached over its direct ports and a chip behind a switch through every plane's ports; each
// packet picks among the candidates with the transport's spray policy. Timing is
// reservation-based like the chip's transfer stages: a message books its chunks and packets on
// every server it crosses when it becomes ready, and its completion is known at once.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maia/hw/net/net_endpoint.hpp"
#include "maia/hw/net/net_link.hpp"
#include "maia/hw/net/net_switch.hpp"
#include "maia/hw/net/spray_policy.hpp"
#include "maia/hw/net/transport.hpp"

namespace maia {

struct FabricSpec {
  struct Endpoint {
    std::string name;
    double hbm_gbytes_per_s = 0;
    double reduce_gbytes_per_s = 0;
    std::uint64_t chunk_bytes = 0;
    double latency_ns = 0;
  };
  struct Switch {
    std::string name;
    double forward_latency_ns = 0;
  };
  struct Link {
    std::string name;
    int a = 0, b = 0;  // node ids
    double gbytes_per_s = 0;
    double latency_ns = 0;
  };
  std::vector<Endpoint> endpoints;
  std::vector<Switch> switches;
  std::vector<Link> links;
  Transport transport;
};

class Fabric {
 public:
  // InputError naming `where` for a spec that cannot route (an endpoint unreachable from
  // another, an unknown spray policy, a non-positive bandwidth or chunk).
  Fabric(const FabricSpec& spec, const std::string& where);

  struct Send {
    int dst = 0;
    std::uint64_t bytes = 0;
  };
  // Books `sends` from endpoint `src`, all ready at `ready`, their chunks taken in turn (one
  // chunk of each message, then the next) so concurrent messages share the ports. Returns each
  // message's completion: its last chunk written to the receiver's HBM.
  std::vector<Picos> send(int src, const std::vector<Send>& sends, Picos ready);
  // Reduces `bytes` of operand on endpoint `rank`'s vector units, ready at `ready`; returns the
  // end.
  Picos reduce(int rank, std::uint64_t bytes, Picos ready);

  int endpoint_count() const { return static_cast<int>(endpoints_.size()); }
  const NetEndpoint& endpoint(int i) const { return *endpoints_[static_cast<std::size_t>(i)]; }
  const std::vector<std::unique_ptr<NetLink>>& links() const { return links_; }
  const std::vector<std::unique_ptr<NetSwitch>>& switches() const { return switches_; }
  const Transport& transport() const { return transport_; }
  const std::string& node_name(int node) const { return names_[static_cast<std::size_t>(node)]; }
  // The link directions a packet at `node` may take towards endpoint `dst`.
  const std::vector<LinkDirection*>& next_hops(int node, int dst) const {
    return hops_[static_cast<std::size_t>(node) * endpoints_.size() +
                 static_cast<std::size_t>(dst)];
  }

 private:
  // Routes one packet hop by hop; returns when its bytes reach `dst`.
  Flow route_packet(int src, int dst, Flow f, std::uint64_t wire, std::uint64_t payload);

  std::vector<std::unique_ptr<NetEndpoint>> endpoints_;
  std::vector<std::unique_ptr<NetSwitch>> switches_;
  std::vector<std::unique_ptr<NetLink>> links_;
  std::vector<std::string> names_;
  std::vector<std::vector<LinkDirection*>> hops_;  // [node * E + dst]
  std::vector<std::uint64_t> turns_;               // spray counters, same index
  Transport transport_;
  std::unique_ptr<SprayPolicy> spray_;
};

}  // namespace maia
