#pragma once
// The crossbar between the SMs and the L2 partitions: one port per SM (l2_port_bytes_per_cycle
// at the chip clock), an occupancy server each, carrying every byte an SM loads or stores.
#include <cstdint>
#include <vector>

#include <systemc>

#include "maia/config/gpu_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class GpuCrossbar : public sc_core::sc_module, public StatsSource {
 public:
  GpuCrossbar(sc_core::sc_module_name name, const GpuSmConfig& sm, double clock_ghz);
  // `bytes` between SM `sm` and L2, starting no earlier than `earliest`.
  Reservation move(std::int64_t sm, Picos earliest, std::uint64_t bytes);
  double port_gbps() const { return port_gbps_; }
  void retire_before(Picos t);
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  double port_gbps_;
  std::vector<OccupancyServer> ports_;
};

}  // namespace maia
