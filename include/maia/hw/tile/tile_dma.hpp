#pragma once
// Tile DMA: moves data between the tile's TSRAM and its cluster's CSRAM through the tile's port,
// converting datatypes at line rate (the wider side sets the time).
#include "maia/config/chip_config.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/engine/chunked_transfer.hpp"
#include "maia/hw/engine/queue_engine.hpp"

namespace maia {

class TileDma : public QueueEngine {
 public:
  TileDma(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync,
          OccupancyServer* issue, Picos issue_cost, const DmaConfig& cfg, double clock_ghz,
          BankedSram& tsram, BankedSram& csram, OccupancyServer& port);

 protected:
  Picos execute(const Instruction& in) override;
  void add_stats(StatGroup& g) const override;

 private:
  DmaConfig cfg_;
  double clock_ghz_;
  BankedSram& tsram_;
  BankedSram& csram_;
  OccupancyServer& port_;
  ChunkWindow window_;
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

// Bytes a copy writes: the source bytes, re-encoded in the destination datatype if it converts.
std::uint64_t copy_dst_bytes(const Instruction& in);

}  // namespace maia
