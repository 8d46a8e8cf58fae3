#pragma once
// The on-die Ethernet NIC: its ports, each a bandwidth server per direction, grouped into the
// direct tray links (one group per tray peer) and the scale-out ports. It carries no traffic yet;
// multi-chip systems will connect ports of several Chip instances.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/hw/core/transfer_stage.hpp"
#include "maia/report/stats.hpp"

namespace maia {

struct NicPort {
  std::string role;  // "tray<peer>" or "scaleout"
  OccupancyServer tx, rx;
};

class Nic : public sc_core::sc_module, public StatsSource {
 public:
  Nic(sc_core::sc_module_name name, const NicConfig& cfg);

  const std::vector<NicPort>& ports() const { return ports_; }
  // Sends `bytes` out of port `p` (for future multi-chip links).
  Flow transmit(std::size_t p, std::uint64_t bytes, Flow in);
  double port_gbytes_per_s() const { return cfg_.port_gbps / 8.0; }
  // Aggregate bandwidth per direction, GB/s.
  double total_gbytes_per_s() const {
    return port_gbytes_per_s() * static_cast<double>(ports_.size());
  }
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  NicConfig cfg_;
  std::vector<NicPort> ports_;
};

}  // namespace maia
