#include "maia/hw/gpu/gpu_l2.hpp"

#include <algorithm>

namespace maia {

GpuL2::GpuL2(sc_core::sc_module_name name, const GpuL2Config& cfg, double clock_ghz,
             double miss_gbps)
    : sc_module(name),
      cfg_(cfg),
      gbps_(static_cast<double>(cfg.bytes_per_cycle) * clock_ghz),
      partition_gbps_(gbps_ / static_cast<double>(std::max<std::int64_t>(1, cfg.partitions))),
      latency_(cycles_to_ps(static_cast<double>(cfg.latency_cycles), clock_ghz)),
      miss_gbps_(miss_gbps),
      partitions_(static_cast<std::size_t>(std::max<std::int64_t>(1, cfg.partitions))) {}

void GpuL2::flush() {
  lru_.clear();
  resident_.clear();
  resident_bytes_ = 0;
  wave_blocks_.clear();
  wave_shares_ = true;
}

void GpuL2::begin_wave(std::uint64_t working_set_bytes) {
  wave_blocks_.clear();
  wave_shares_ = working_set_bytes <= static_cast<std::uint64_t>(cfg_.bytes);
}

void GpuL2::insert(const BlockKey& key, std::uint64_t block_bytes) {
  const auto it = resident_.find(key);
  if (it != resident_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.first);
    return;
  }
  const auto capacity = static_cast<std::uint64_t>(cfg_.bytes);
  if (block_bytes > capacity) return;  // streams through without staying
  while (resident_bytes_ + block_bytes > capacity && !lru_.empty()) {
    const auto victim = resident_.find(lru_.back());
    resident_bytes_ -= victim->second.second;
    resident_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(key);
  resident_.emplace(key, std::make_pair(lru_.begin(), block_bytes));
  resident_bytes_ += block_bytes;
}

bool GpuL2::lookup(const BlockKey& key, std::uint64_t bytes, std::uint64_t block_bytes) {
  const bool hit = resident_.count(key) > 0 || (wave_shares_ && wave_blocks_.count(key) > 0);
  wave_blocks_.insert(key);
  insert(key, block_bytes);
  if (hit) {
    ++hits_;
    hit_bytes_ += bytes;
  } else {
    ++misses_;
    miss_bytes_ += bytes;
  }
  return hit;
}

Reservation GpuL2::transfer(Picos earliest, std::uint64_t bytes) {
  // Addresses are hashed over the partitions: each carries an equal share, in parallel.
  const std::uint64_t n = partitions_.size();
  Reservation r{kNever, earliest};
  for (std::uint64_t p = 0; p < n; ++p) {
    const std::uint64_t share = bytes / n + (p < bytes % n ? 1 : 0);
    const Reservation rp = partitions_[p].reserve_bytes(
        earliest, transfer_ps(static_cast<double>(share), partition_gbps_), share);
    r.start = std::min(r.start, rp.start);
    r.end = std::max(r.end, rp.end);
  }
  return r;
}

Reservation GpuL2::miss_path(Picos earliest, std::uint64_t bytes) {
  return miss_path_.reserve_bytes(earliest, transfer_ps(static_cast<double>(bytes), miss_gbps_),
                                  bytes);
}

void GpuL2::retire_before(Picos t) {
  for (auto& p : partitions_) p.retire_before(t);
  miss_path_.retire_before(t);
}

std::uint64_t GpuL2::transfer_bytes() const {
  std::uint64_t b = 0;
  for (const auto& p : partitions_) b += p.bytes();
  return b;
}

void GpuL2::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  Picos busy = 0;
  for (const auto& p : partitions_) busy += p.busy_ps();
  g.set("bytes", static_cast<double>(transfer_bytes()), "B", "bytes through the partitions");
  g.set("busy_ns", ps_to_ns(busy), "ns", "partition busy time, summed over partitions");
  g.set("hits", static_cast<double>(hits_), "", "block reads that hit");
  g.set("misses", static_cast<double>(misses_), "", "block reads that missed");
  g.set("hit_bytes", static_cast<double>(hit_bytes_), "B", "bytes read on hits");
  g.set("miss_bytes", static_cast<double>(miss_bytes_), "B", "bytes fetched from HBM on misses");
  g.set("miss_path_bytes", static_cast<double>(miss_path_.bytes()), "B",
        "bytes on the HBM side (fills and write-backs)");
  g.set("miss_path_busy_ns", ps_to_ns(miss_path_.busy_ps()), "ns", "miss path busy time");
  out.push_back(std::move(g));
}

}  // namespace maia
