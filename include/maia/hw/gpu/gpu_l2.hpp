#pragma once
// The L2: `partitions` slices sharing bytes_per_cycle at the chip clock (an occupancy server
// each; a transfer is spread evenly over them, as addresses are hashed), a load-to-use latency,
// and a hit model driven by the kernel's reuse, at operand-block (panel) granularity:
//  - a block still resident (LRU over whole blocks, capacity l2.bytes) hits;
//  - a block first fetched by another CTA of the same wave hits when the wave's streaming
//    working set (the live bytes of every distinct block the wave reads) fits the capacity:
//    CTAs of a wave walk K together, so they share each slice while it is in L2;
//  - anything else misses and is fetched from HBM through the miss path, paced at the
//    achievable HBM rate (memory_efficiency x HBM peak).
// A kernel starts with a clean L2 (written back and invalidated), so a measurement does not
// depend on what ran before.
#include <cstdint>
#include <list>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <systemc>

#include "maia/config/gpu_config.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class GpuL2 : public sc_core::sc_module, public StatsSource {
 public:
  using BlockKey = std::pair<std::uint32_t, std::uint64_t>;  // operand, block

  GpuL2(sc_core::sc_module_name name, const GpuL2Config& cfg, double clock_ghz, double miss_gbps);

  // Invalidates everything (a kernel boundary).
  void flush();
  // A new wave starts; `working_set_bytes`: live bytes of the distinct blocks it reads.
  void begin_wave(std::uint64_t working_set_bytes);
  // Whether a read of `bytes` of `key` hits; records the block as resident (LRU) either way.
  bool lookup(const BlockKey& key, std::uint64_t bytes, std::uint64_t block_bytes);
  // `bytes` through the partitions from `earliest` (hit data, fills and write-backs).
  Reservation transfer(Picos earliest, std::uint64_t bytes);
  // A miss or a write-back of `bytes` on the miss path (paced at miss_gbps) from `earliest`.
  Reservation miss_path(Picos earliest, std::uint64_t bytes);
  Picos latency() const { return latency_; }
  double bandwidth_gbps() const { return gbps_; }
  void retire_before(Picos t);
  std::uint64_t transfer_bytes() const;
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  void insert(const BlockKey& key, std::uint64_t block_bytes);

  GpuL2Config cfg_;
  double gbps_;
  double partition_gbps_;
  Picos latency_;
  double miss_gbps_;
  std::vector<OccupancyServer> partitions_;
  OccupancyServer miss_path_;
  // LRU of resident blocks: most recent at the front.
  std::list<BlockKey> lru_;
  std::map<BlockKey, std::pair<std::list<BlockKey>::iterator, std::uint64_t>> resident_;
  std::uint64_t resident_bytes_ = 0;
  std::set<BlockKey> wave_blocks_;
  bool wave_shares_ = true;
  std::uint64_t hits_ = 0, misses_ = 0, hit_bytes_ = 0, miss_bytes_ = 0;
};

}  // namespace maia
