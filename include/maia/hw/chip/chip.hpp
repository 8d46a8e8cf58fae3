#pragma once
// One Maia 200 chip, wired from a ChipConfig: clusters of tiles, the GNOC, the HBM3e subsystem
// behind the memory-side TLM interconnect, the PCIe host interface and the NIC with one DMA queue
// per tray peer, plus the hardware semaphores. Nothing is global, so several Chips can live in one
// simulation.
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "maia/config/chip_config.hpp"
#include "maia/hw/cluster/cluster.hpp"
#include "maia/hw/hbm/hbm_subsystem.hpp"
#include "maia/hw/host/host_engines.hpp"
#include "maia/hw/host/host_interface.hpp"
#include "maia/hw/memory/hbm_noc_path.hpp"
#include "maia/hw/memory/memory_router.hpp"
#include "maia/hw/nic/nic.hpp"
#include "maia/hw/nic/nic_dma.hpp"
#include "maia/hw/noc/gnoc.hpp"
#include "maia/hw/sync/semaphore_fabric.hpp"
#include "maia/program/program.hpp"

namespace maia {

struct ChipOptions {
  // false: no built-in HBM; bind a TLM-2.0 memory target with bind_memory() before simulating.
  bool builtin_hbm = true;
};

class Chip : public sc_core::sc_module {
 public:
  Chip(sc_core::sc_module_name name, const ChipConfig& cfg, ChipOptions options = {});

  // Puts a third-party TLM-2.0 memory model where the built-in HBM would be.
  void bind_memory(tlm::tlm_target_socket<>& memory);
  // Assigns the program's queues to engines, which start on them at the current simulated time;
  // call before sc_start(). The program must outlive the phase (until unload()).
  void load(const Program& program);
  // Detaches the engines from the finished program.
  void unload();

  // After the simulation: whether every loaded queue completed, and if not, why.
  bool finished() const;
  std::vector<std::string> stuck_engines() const;
  Picos finish_time() const;
  std::vector<QueueEngine*> loaded_engines() const;
  std::vector<StatGroup> stats() const;

  const ChipConfig& config() const { return cfg_; }
  double hbm_peak_gbps() const;
  // Dense TTU peak of the whole chip for a datatype, FLOP/s.
  double peak_flops(DType t) const;
  Gnoc& gnoc() { return *gnoc_; }
  HostInterface& host() { return *host_; }
  Nic& nic() { return *nic_; }
  HbmSubsystem* hbm() { return hbm_.get(); }
  Cluster& cluster(int i) { return *clusters_[static_cast<std::size_t>(i)]; }
  int cluster_endpoint(int i) const {
    return paths_.cluster_endpoints[static_cast<std::size_t>(i)];
  }
  const std::vector<int>& stack_endpoints() const { return stack_endpoints_; }
  int pcie_endpoint() const { return pcie_endpoint_; }

 private:
  QueueEngine& engine_for(const Queue& q);
  Picos signal_latency(const Location& from, const Location& home, Picos at);

  ChipConfig cfg_;
  ChipPaths paths_;
  std::unique_ptr<SemaphoreFabric> sync_;
  std::unique_ptr<Gnoc> gnoc_;
  std::unique_ptr<HbmAddressMap> hbm_map_;
  std::unique_ptr<HbmNocPath> hbm_path_;
  std::unique_ptr<HbmSubsystem> hbm_;
  std::unique_ptr<MemoryRouter> memory_router_;
  std::unique_ptr<HostInterface> host_;
  std::unique_ptr<Nic> nic_;
  std::vector<std::unique_ptr<Cluster>> clusters_;
  std::unique_ptr<HostDma> host_dma_;
  std::unique_ptr<HostCommand> host_cmd_;
  std::vector<std::unique_ptr<NicDma>> nic_dmas_;  // one per tray peer (nullptr: no links)
  std::vector<int> stack_endpoints_;
  int pcie_endpoint_ = -1, nic_endpoint_ = -1;
  std::vector<QueueEngine*> loaded_;
};

}  // namespace maia
