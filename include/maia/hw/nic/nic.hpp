#pragma once
// The on-die Ethernet NIC: its ports, each a bandwidth server per direction, grouped into the
// direct tray links (one group per tray peer) and the scale-out ports. Tray traffic comes from
// the NIC DMA queues (maia/hw/nic/nic_dma.hpp) of a tensor-parallel collective; peers are
// modelled as symmetric (each runs the same program), so what this chip sends to a peer on a
// port's tx it receives from that peer, mirrored, on the same port's rx.
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
  // Sends `bytes` out of port `p`; the flow says when they reach the far end.
  Flow transmit(std::size_t p, std::uint64_t bytes, Flow in);
  // Ports wired to tray peer `peer` (empty when none).
  std::vector<std::size_t> tray_ports(std::size_t peer) const;
  // One chunk to tray peer `peer` on the port of its group that frees first, and the peer's
  // mirrored chunk received on that port's rx: returns when the received bytes leave the NIC.
  Flow exchange(std::size_t peer, std::uint64_t bytes, Flow in);
  double latency_ns() const { return cfg_.latency_ns; }
  double port_gbytes_per_s() const { return cfg_.port_gbps / 8.0; }
  // Aggregate bandwidth per direction, GB/s.
  double total_gbytes_per_s() const {
    return port_gbytes_per_s() * static_cast<double>(ports_.size());
  }
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  NicConfig cfg_;
  std::vector<NicPort> ports_;
  std::vector<std::vector<std::size_t>> tray_groups_;  // port indices per tray peer
};

}  // namespace maia
