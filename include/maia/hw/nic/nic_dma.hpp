#pragma once
// nic.dma<peer>: the NIC's DMA queue towards one tray peer. A copy instruction (HBM -> HBM) sends
// its source to the peer and, because every chip of a tensor-parallel group runs the same
// program, receives the peer's mirrored bytes into its destination. Each chunk is read from HBM,
// crosses the GNOC to the NIC, leaves on the peer's port group (the port that frees first), takes
// the link latency, is received on that port's rx, crosses the GNOC back and is written to HBM.
// Chunks are nic.dma_chunk_bytes; the DMA setup cost is the cluster DMA's.
// Enough chunks stay in flight to cover the port group's bandwidth-delay product (an RDMA queue
// pair's depth is not what limits it). A received chunk is written once it has arrived, and the
// instruction's queue moves on when every chunk has arrived (its signals fire when the last
// write is done).
#include <tlm_utils/simple_initiator_socket.h>

#include "maia/config/chip_config.hpp"
#include "maia/hw/engine/queue_engine.hpp"
#include "maia/hw/memory/hbm_noc_path.hpp"
#include "maia/hw/nic/nic.hpp"

namespace maia {

class NicDma : public QueueEngine {
 public:
  tlm_utils::simple_initiator_socket<NicDma> memory_socket;

  NicDma(sc_core::sc_module_name name, SemaphoreFabric& sync, const DmaConfig& cfg,
         double clock_ghz, Nic& nic, std::size_t peer, HbmNocPath& hbm_path, int nic_endpoint,
         double hbm_peak_gbps);

 protected:
  Picos execute(const Instruction& in) override;
  void add_stats(StatGroup& g) const override;

 private:
  DmaConfig cfg_;
  double clock_ghz_;
  Nic& nic_;
  std::size_t peer_;
  HbmNocPath& hbm_path_;
  int nic_endpoint_;
  double hbm_peak_gbps_;
  std::uint64_t sent_ = 0;
};

// Chunks (nic.dma_chunk_bytes) a NIC DMA towards a port group keeps in flight: its bandwidth
// times a round trip of the link latency (at least the cluster DMA's depth).
std::int64_t nic_dma_outstanding(const ChipConfig& chip, std::size_t peer);

}  // namespace maia
