#pragma once
// Cluster DMA: moves data between HBM and the cluster's CSRAM (over the GNOC, through the
// memory-side TLM interconnect), between CSRAMs of different clusters, and multicasts one CSRAM
// read to the TSRAMs of several tiles of the cluster (one read, one write per tile).
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "maia/config/chip_config.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/engine/chunked_transfer.hpp"
#include "maia/hw/engine/queue_engine.hpp"
#include "maia/hw/memory/hbm_noc_path.hpp"

namespace maia {

struct TileDataPort {
  BankedSram* tsram = nullptr;
  OccupancyServer* port = nullptr;  // the tile's link into the cluster fabric
};

// Chip-level paths every cluster DMA reaches; the Chip fills them in once all blocks exist.
struct ChipPaths {
  std::vector<BankedSram*> csrams;     // every cluster's CSRAM, by cluster index
  std::vector<int> cluster_endpoints;  // GNOC endpoint of each cluster
  Gnoc* noc = nullptr;
  HbmNocPath* hbm_path = nullptr;
  double hbm_peak_gbps = 0;
};

struct ClusterDmaWiring {
  BankedSram* csram = nullptr;      // own CSRAM
  OccupancyServer* port = nullptr;  // DMA port shared by the cluster's DMA queues
  std::vector<TileDataPort> tiles;  // own enabled tiles
  const ChipPaths* chip = nullptr;
};

class ClusterDma : public QueueEngine {
 public:
  tlm_utils::simple_initiator_socket<ClusterDma> memory_socket;

  ClusterDma(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync,
             const DmaConfig& cfg, const DmaConfig& tile_dma, double clock_ghz,
             ClusterDmaWiring wiring);

 protected:
  Picos execute(const Instruction& in) override;
  void add_stats(StatGroup& g) const override;

 private:
  Picos copy(const Instruction& in);
  Picos multicast(const Instruction& in);
  Flow through_port(Flow in, std::uint64_t bytes);

  DmaConfig cfg_;
  DmaConfig tile_dma_;
  double clock_ghz_;
  ClusterDmaWiring w_;
  ChunkWindow window_;
  std::uint64_t hbm_read_ = 0, hbm_write_ = 0, csram_peer_ = 0, multicast_bytes_ = 0,
                multicast_tile_writes_ = 0;
};

}  // namespace maia
