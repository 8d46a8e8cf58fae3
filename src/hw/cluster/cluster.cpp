#include "maia/hw/cluster/cluster.hpp"

#include <fmt/format.h>

namespace maia {

Cluster::Cluster(sc_core::sc_module_name name, const ChipConfig& cfg, int index,
                 SemaphoreFabric& sync, const ChipPaths& paths)
    : sc_module(name),
      index_(index),
      csram_(std::string(this->name()) + ".csram", cfg.cluster.csram, cfg.clock_ghz) {
  for (int t = 0; t < cfg.enabled_tiles_per_cluster; ++t)
    tiles_.push_back(std::make_unique<Tile>(fmt::format("t{}", t).c_str(), cfg,
                                            Location{Location::Kind::kTile, index, t}, sync,
                                            csram_));
  ClusterDmaWiring wiring;
  wiring.csram = &csram_;
  wiring.port = &dma_port_;
  wiring.chip = &paths;
  for (auto& t : tiles_) wiring.tiles.push_back({&t->tsram(), &t->port()});
  for (int q = 0; q < cfg.cluster.dma_queues; ++q)
    dmas_.push_back(std::make_unique<ClusterDma>(
        fmt::format("dma{}", q).c_str(), Location{Location::Kind::kCluster, index, -1}, sync,
        cfg.cluster.dma, cfg.tile.dma, cfg.clock_ghz, wiring));
}

void Cluster::collect_stats(std::vector<StatGroup>& out) const {
  csram_.collect_stats(out);
  for (const auto& d : dmas_) d->collect_stats(out);
  StatGroup g(std::string(name()) + ".dma_port");
  g.set("bytes", static_cast<double>(dma_port_.bytes()), "B", "bytes through the cluster DMA port");
  g.set("busy_ns", ps_to_ns(dma_port_.busy_ps()), "ns", "DMA port busy time");
  out.push_back(std::move(g));
  for (const auto& t : tiles_) t->collect_stats(out);
}

}  // namespace maia
