#pragma once
// Host-side queues. host.dma moves data between host DRAM and device HBM over PCIe and the GNOC;
// host.cmd sends commands down the command path to the SoC control processor (its signals are
// how a program makes on-chip work wait for a launch).
#include <tlm_utils/simple_initiator_socket.h>

#include "maia/config/chip_config.hpp"
#include "maia/hw/engine/chunked_transfer.hpp"
#include "maia/hw/engine/queue_engine.hpp"
#include "maia/hw/host/host_interface.hpp"
#include "maia/hw/memory/hbm_noc_path.hpp"

namespace maia {

class HostDma : public QueueEngine {
 public:
  tlm_utils::simple_initiator_socket<HostDma> memory_socket;

  HostDma(sc_core::sc_module_name name, SemaphoreFabric& sync, const DmaConfig& cfg,
          double clock_ghz, HostInterface& host, HbmNocPath& hbm_path, int pcie_endpoint,
          double hbm_peak_gbps);

 protected:
  Picos execute(const Instruction& in) override;
  void add_stats(StatGroup& g) const override;

 private:
  DmaConfig cfg_;
  double clock_ghz_;
  HostInterface& host_;
  HbmNocPath& hbm_path_;
  int pcie_endpoint_;
  double hbm_peak_gbps_;
  ChunkWindow window_;
  std::uint64_t to_device_ = 0, to_host_ = 0;
};

class HostCommand : public QueueEngine {
 public:
  HostCommand(sc_core::sc_module_name name, SemaphoreFabric& sync, HostInterface& host)
      : QueueEngine(name, EngineKind::kHostCommand, {}, sync, nullptr, 0), host_(host) {}

 protected:
  Picos execute(const Instruction& in) override {
    wait_until(host_.command(in.bytes, now_ps()));
    return now_ps();
  }

 private:
  HostInterface& host_;
};

}  // namespace maia
