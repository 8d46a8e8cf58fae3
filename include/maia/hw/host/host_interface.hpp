#pragma once
// The host interface: a PCIe link with a bandwidth server per direction (line rate x encoding
// efficiency, with TLP header bytes added per max-payload packet), a one-way latency, the host
// DRAM that host-side DMA reads and writes, and the command path from the host driver to the
// SoC control processor (a posted write over PCIe, then firmware decode and launch).
#include <cstdint>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/hw/core/transfer_stage.hpp"
#include "maia/report/stats.hpp"

namespace maia {

enum class PcieDirection { kHostToDevice, kDeviceToHost };

class HostInterface : public sc_core::sc_module, public StatsSource {
 public:
  HostInterface(sc_core::sc_module_name name, const PcieConfig& cfg, double chip_clock_ghz);

  // Moves payload bytes over the link in one direction (TLPs of max_payload_bytes).
  Flow link_transfer(PcieDirection dir, std::uint64_t bytes, Flow in);
  // Host DRAM read or write by the device's DMA.
  Flow host_memory(std::uint64_t bytes, Flow in);
  // A host command of `bytes` leaves the driver at `at`; returns when the control processor
  // has decoded it and launched the work.
  Picos command(std::uint64_t bytes, Picos at);

  // Raw line rate per direction (lanes x GT/s / 8), GB/s.
  double raw_gbps() const;
  // Payload rate per direction after encoding and TLP overhead, GB/s.
  double payload_gbps() const;
  Picos latency() const { return latency_; }
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  std::uint64_t wire_bytes(std::uint64_t payload) const;

  PcieConfig cfg_;
  double chip_clock_ghz_;
  Picos latency_;
  OccupancyServer h2d_, d2h_, host_dram_, control_processor_;
  std::uint64_t payload_bytes_[2] = {0, 0};
  std::uint64_t tlps_[2] = {0, 0};
  std::uint64_t commands_ = 0;
};

// Adapter: one direction of the PCIe link as a transfer stage.
class PcieStage : public TransferStage {
 public:
  PcieStage(HostInterface& host, PcieDirection dir) : host_(host), dir_(dir) {}
  Flow serve(Flow in, std::uint64_t, std::uint64_t bytes) override {
    return host_.link_transfer(dir_, bytes, in);
  }

 private:
  HostInterface& host_;
  PcieDirection dir_;
};

// Adapter: host DRAM as a transfer stage.
class HostMemoryStage : public TransferStage {
 public:
  explicit HostMemoryStage(HostInterface& host) : host_(host) {}
  Flow serve(Flow in, std::uint64_t, std::uint64_t bytes) override {
    return host_.host_memory(bytes, in);
  }

 private:
  HostInterface& host_;
};

}  // namespace maia
