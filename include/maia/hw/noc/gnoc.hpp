#pragma once
// The global NoC (GNOC): a 2D mesh of routers with dimension-order (XY) routing. Every directed
// link exists twice, once in the data plane (bulk tensors) and once in the control plane
// (semaphores, commands), so control traffic never queues behind data. Endpoints (clusters, HBM
// stacks, PCIe, NIC) attach to a router through their own injection and ejection ports.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/hw/core/transfer_stage.hpp"
#include "maia/report/stats.hpp"

namespace maia {

enum class NocPlane { kData, kControl };

struct NocEndpoint {
  std::string name;
  std::int64_t router;
};

class Gnoc : public sc_core::sc_module, public StatsSource {
 public:
  Gnoc(sc_core::sc_module_name name, const GnocConfig& cfg);

  // Registers an endpoint and returns its id.
  int add_endpoint(const std::string& name, std::int64_t router);
  const std::vector<NocEndpoint>& endpoints() const { return endpoints_; }

  // Moves one chunk of `bytes` from endpoint `src` to endpoint `dst` on the data plane.
  Flow transfer(int src, int dst, std::uint64_t bytes, Flow in);
  // Arrival time of one control message sent at `at` (control plane).
  Picos control_message(int src, int dst, Picos at);

  // Link indices (data plane) on the XY route between two routers, in order.
  std::vector<int> route(std::int64_t src_router, std::int64_t dst_router) const;
  double link_gbps(NocPlane plane) const;
  int hops(int src, int dst) const;

  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  struct Link {
    std::string name;
    OccupancyServer data, control;
  };
  int mesh_link(std::int64_t from, std::int64_t to) const;
  Flow traverse(const std::vector<int>& links, NocPlane plane, std::uint64_t bytes, Flow in);
  // Links from endpoint src to endpoint dst (injection, mesh, ejection), computed once.
  const std::vector<int>& path(int src, int dst) const;

  GnocConfig cfg_;
  Picos hop_latency_;
  std::vector<Link> links_;           // mesh links, then per endpoint: injection, ejection
  std::vector<int> mesh_link_index_;  // [from * routers + dir] -> link
  std::vector<NocEndpoint> endpoints_;
  mutable std::vector<std::vector<int>> path_cache_;  // [src * endpoints + dst]
};

// Adapter: a NoC route between two endpoints as a stage of a transfer chain.
class NocStage : public TransferStage {
 public:
  NocStage(Gnoc& noc, int src, int dst) : noc_(noc), src_(src), dst_(dst) {}
  Flow serve(Flow in, std::uint64_t, std::uint64_t bytes) override {
    return noc_.transfer(src_, dst_, bytes, in);
  }

 private:
  Gnoc& noc_;
  int src_, dst_;
};

}  // namespace maia
