#pragma once
// The NVLink ports into the node's non-blocking switch: `links` links of gbps_per_link per
// direction, used together (one send and one receive server at links x gbps_per_link), and a
// one-way latency per message.
#include <cstdint>
#include <vector>

#include <systemc>

#include "maia/config/gpu_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class GpuNvLink : public sc_core::sc_module, public StatsSource {
 public:
  GpuNvLink(sc_core::sc_module_name name, const GpuLinkConfig& cfg);
  // Sends `bytes` to one peer while receiving as many from another, from `earliest`; returns
  // when both have arrived (latency included).
  Picos exchange(Picos earliest, std::uint64_t bytes);
  double gbps() const { return gbps_; }
  void retire_before(Picos t);
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  double gbps_;
  Picos latency_;
  OccupancyServer tx_, rx_;
};

}  // namespace maia
