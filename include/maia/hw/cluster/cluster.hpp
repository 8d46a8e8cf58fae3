#pragma once
// A cluster: banked CSRAM shared by its tiles, the enabled tiles, and the cluster DMA queues
// (HBM <-> CSRAM, CSRAM -> CSRAM, multicast to tiles). The queues share one DMA port towards the
// GNOC; multicast stays inside the cluster (CSRAM -> fabric -> tile ports) and does not use it.
#include <memory>
#include <vector>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/hw/cluster/cluster_dma.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/tile/tile.hpp"

namespace maia {

class Cluster : public sc_core::sc_module, public StatsSource {
 public:
  // `paths` may still be empty here; the Chip completes it before the simulation starts.
  Cluster(sc_core::sc_module_name name, const ChipConfig& cfg, int index, SemaphoreFabric& sync,
          const ChipPaths& paths);

  BankedSram& csram() { return csram_; }
  Tile& tile(int i) { return *tiles_[static_cast<std::size_t>(i)]; }
  int tiles() const { return static_cast<int>(tiles_.size()); }
  ClusterDma& dma(int queue) { return *dmas_[static_cast<std::size_t>(queue)]; }
  int dma_queues() const { return static_cast<int>(dmas_.size()); }
  OccupancyServer& dma_port() { return dma_port_; }
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  int index_;
  BankedSram csram_;
  OccupancyServer dma_port_;
  std::vector<std::unique_ptr<Tile>> tiles_;
  std::vector<std::unique_ptr<ClusterDma>> dmas_;
};

}  // namespace maia
