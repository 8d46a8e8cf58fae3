#pragma once
// A compute tile: TSRAM, the tile's port into the cluster fabric, and its four engines (TTU, TVP,
// tile DMA, TCP). The TCP's issue port is shared by all four queues of the tile.
#include <memory>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/tile/tcp.hpp"
#include "maia/hw/tile/tile_dma.hpp"
#include "maia/hw/tile/ttu.hpp"
#include "maia/hw/tile/tvp.hpp"

namespace maia {

class Tile : public sc_core::sc_module, public StatsSource {
 public:
  Tile(sc_core::sc_module_name name, const ChipConfig& cfg, Location where, SemaphoreFabric& sync,
       BankedSram& csram);

  BankedSram& tsram() { return tsram_; }
  OccupancyServer& port() { return port_; }
  QueueEngine& engine(EngineKind k);
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  BankedSram tsram_;
  OccupancyServer issue_port_;
  OccupancyServer port_;
  std::unique_ptr<Ttu> ttu_;
  std::unique_ptr<Tvp> tvp_;
  std::unique_ptr<TileDma> dma_;
  std::unique_ptr<Tcp> tcp_;
};

}  // namespace maia
