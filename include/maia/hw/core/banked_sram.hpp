#pragma once
// A software-managed, multi-banked SRAM (TSRAM or CSRAM). Consecutive `interleave_bytes` map to
// consecutive banks; each bank is an occupancy server moving bank_width_bytes per cycle, so an
// access that touches few banks is slower than one spread over all, and concurrent engines that
// hit the same banks queue behind each other (bank conflicts).
#include <cstdint>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/hw/core/transfer_stage.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class BankedSram : public StatsSource {
 public:
  BankedSram(std::string name, const SramConfig& cfg, double clock_ghz);

  // Reads or writes [addr, addr + bytes); data arrives/leaves as `in` says. `streamed`: an
  // engine consumes or produces the bytes over the whole window of `in` (reserve_streamed).
  Flow access(std::uint64_t addr, std::uint64_t bytes, bool write, Flow in, bool streamed = false);

  std::uint64_t capacity() const { return static_cast<std::uint64_t>(cfg_.bytes); }
  double peak_gbps() const;
  // Access pipeline latency (added to every access's first and last byte).
  Picos latency() const { return latency_; }
  const std::string& name() const { return name_; }
  std::uint64_t read_bytes() const { return read_bytes_; }
  std::uint64_t write_bytes() const { return write_bytes_; }
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  std::string name_;
  SramConfig cfg_;
  double clock_ghz_;
  Picos latency_;
  std::vector<OccupancyServer> banks_;
  std::vector<std::uint64_t> scratch_;  // bytes per bank of the current access
  std::uint64_t read_bytes_ = 0, write_bytes_ = 0, accesses_ = 0;
};

// Adapter: one SRAM region as a stage of a transfer chain.
class SramStage : public TransferStage {
 public:
  SramStage(BankedSram& sram, std::uint64_t base, bool write)
      : sram_(sram), base_(base), write_(write) {}
  Flow serve(Flow in, std::uint64_t offset, std::uint64_t bytes) override {
    return sram_.access(base_ + offset, bytes, write_, in);
  }

 private:
  BankedSram& sram_;
  std::uint64_t base_;
  bool write_;
};

}  // namespace maia
