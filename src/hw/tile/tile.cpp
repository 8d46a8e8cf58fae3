#include "maia/hw/tile/tile.hpp"

namespace maia {

Tile::Tile(sc_core::sc_module_name name, const ChipConfig& cfg, Location where,
           SemaphoreFabric& sync, BankedSram& csram)
    : sc_module(name), tsram_(std::string(this->name()) + ".tsram", cfg.tile.tsram, cfg.clock_ghz) {
  const Picos issue =
      cycles_to_ps(static_cast<double>(cfg.tile.tcp_dispatch_cycles), cfg.clock_ghz);
  ttu_ = std::make_unique<Ttu>("ttu", where, sync, &issue_port_, issue, cfg.tile.ttu, cfg.clock_ghz,
                               tsram_);
  tvp_ = std::make_unique<Tvp>("tvp", where, sync, &issue_port_, issue, cfg.tile.tvp, cfg.clock_ghz,
                               tsram_);
  dma_ = std::make_unique<TileDma>("dma", where, sync, &issue_port_, issue, cfg.tile.dma,
                                   cfg.clock_ghz, tsram_, csram, port_);
  tcp_ = std::make_unique<Tcp>("tcp", where, sync, &issue_port_, issue, cfg.clock_ghz);
}

QueueEngine& Tile::engine(EngineKind k) {
  switch (k) {
    case EngineKind::kTtu:
      return *ttu_;
    case EngineKind::kTvp:
      return *tvp_;
    case EngineKind::kTileDma:
      return *dma_;
    default:
      return *tcp_;
  }
}

void Tile::collect_stats(std::vector<StatGroup>& out) const {
  tsram_.collect_stats(out);
  ttu_->collect_stats(out);
  tvp_->collect_stats(out);
  dma_->collect_stats(out);
  tcp_->collect_stats(out);
  StatGroup g(std::string(name()) + ".port");
  g.set("bytes", static_cast<double>(port_.bytes()), "B", "bytes through the tile's fabric port");
  g.set("busy_ns", ps_to_ns(port_.busy_ps()), "ns", "port busy time");
  out.push_back(std::move(g));
}

}  // namespace maia
