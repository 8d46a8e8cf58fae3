#include "maia/serving/scheduler/kv_block_manager.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

double KvCacheStats::utilisation() const {
  return capacity_blocks > 0 ? static_cast<double>(used_blocks) / capacity_blocks : 0.0;
}

double KvCacheStats::peak_utilisation() const {
  return capacity_blocks > 0 ? static_cast<double>(peak_used_blocks) / capacity_blocks : 0.0;
}

KvBlockManager::KvBlockManager(std::int64_t capacity_blocks, std::int64_t block_tokens,
                               std::int64_t prefix_block_tokens)
    : capacity_(capacity_blocks),
      block_tokens_(block_tokens),
      prefix_block_tokens_(prefix_block_tokens),
      per_prefix_(prefix_block_tokens / block_tokens) {
  if (capacity_blocks < 1 || block_tokens < 1 || prefix_block_tokens < block_tokens ||
      prefix_block_tokens % block_tokens != 0)
    throw InputError(
        fmt::format("KV block manager: need capacity >= 1 and prefix_block_tokens a multiple of "
                    "block_tokens, got capacity {}, block_tokens {}, prefix_block_tokens {}",
                    capacity_blocks, block_tokens, prefix_block_tokens));
}

std::int64_t KvBlockManager::blocks_for(std::int64_t tokens) const {
  return (tokens + block_tokens_ - 1) / block_tokens_;
}

std::int64_t KvBlockManager::match_prefix(const std::vector<std::uint64_t>& hashes,
                                          std::int64_t max_blocks) const {
  std::int64_t n = 0;
  const std::int64_t limit = std::min<std::int64_t>(max_blocks, hashes.size());
  // A hash repeated within one prompt would be counted twice: stop there.
  std::unordered_set<std::uint64_t> seen;
  while (n < limit && cache_.count(hashes[n]) != 0 && seen.insert(hashes[n]).second) ++n;
  return n;
}

bool KvBlockManager::can_start(const std::vector<std::uint64_t>& hashes, std::int64_t hits,
                               std::int64_t blocks) const {
  // Idle blocks this sequence would reference are no longer evictable for it.
  std::int64_t pinned = 0;
  for (std::int64_t i = 0; i < hits; ++i)
    if (cache_.at(hashes[i]).refs == 0) pinned += per_prefix_;
  return allocatable() - pinned >= blocks;
}

void KvBlockManager::start(std::uint64_t seq, const std::vector<std::uint64_t>& hashes,
                           std::int64_t hits, std::int64_t blocks, std::int64_t query_tokens) {
  if (resident(seq))
    throw SimulationError(fmt::format("KV block manager: sequence {} is already resident", seq));
  if (!can_start(hashes, hits, blocks))
    throw SimulationError(
        fmt::format("KV block manager: sequence {} needs {} blocks, {} allocatable", seq, blocks,
                    allocatable()));
  Table& t = tables_[seq];
  for (std::int64_t i = 0; i < hits; ++i) {
    reference(hashes[i]);
    t.shared.push_back(hashes[i]);
  }
  take(blocks);
  t.private_blocks = blocks;
  query_tokens_ += query_tokens;
  hit_tokens_ += hits * prefix_block_tokens_;
  note_peak();
}

bool KvBlockManager::can_grow(std::int64_t blocks) const { return allocatable() >= blocks; }

void KvBlockManager::grow(std::uint64_t seq, std::int64_t blocks) {
  auto it = tables_.find(seq);
  if (it == tables_.end())
    throw SimulationError(fmt::format("KV block manager: sequence {} is not resident", seq));
  if (!can_grow(blocks))
    throw SimulationError(fmt::format("KV block manager: sequence {} needs {} blocks, {} free", seq,
                                      blocks, allocatable()));
  take(blocks);
  it->second.private_blocks += blocks;
  note_peak();
}

void KvBlockManager::shrink(std::uint64_t seq, std::int64_t blocks) {
  auto it = tables_.find(seq);
  if (it == tables_.end() || blocks < 0 || blocks > it->second.private_blocks)
    throw SimulationError(
        fmt::format("KV block manager: sequence {} cannot free {} private blocks (holds {})", seq,
                    blocks, it == tables_.end() ? 0 : it->second.private_blocks));
  it->second.private_blocks -= blocks;
  private_blocks_ -= blocks;
}

bool KvBlockManager::publish(std::uint64_t seq, std::uint64_t hash) {
  Table& t = tables_.at(seq);
  if (cache_.count(hash) != 0) return false;
  if (t.private_blocks < per_prefix_)
    throw SimulationError(
        fmt::format("KV block manager: sequence {} publishes prefix {} with only {} private blocks",
                    seq, hash, t.private_blocks));
  // The same blocks change owner: used blocks are unchanged.
  t.private_blocks -= per_prefix_;
  private_blocks_ -= per_prefix_;
  cache_[hash] = Entry{};
  cached_blocks_ += per_prefix_;
  reference(hash);
  t.shared.push_back(hash);
  return true;
}

void KvBlockManager::release(std::uint64_t seq) {
  auto it = tables_.find(seq);
  if (it == tables_.end()) return;
  private_blocks_ -= it->second.private_blocks;
  // The deepest prefix blocks become least recently used first, so a shared head outlives tails.
  for (auto h = it->second.shared.rbegin(); h != it->second.shared.rend(); ++h) unreference(*h);
  tables_.erase(it);
}

std::int64_t KvBlockManager::held_blocks(std::uint64_t seq) const {
  auto it = tables_.find(seq);
  if (it == tables_.end()) return 0;
  return it->second.private_blocks +
         static_cast<std::int64_t>(it->second.shared.size()) * per_prefix_;
}

KvCacheStats KvBlockManager::stats() const {
  KvCacheStats s;
  s.capacity_blocks = capacity_;
  s.used_blocks = private_blocks_ + cached_blocks_ - idle_blocks_;
  s.peak_used_blocks = peak_used_;
  s.cached_idle_blocks = idle_blocks_;
  s.free_blocks = free_blocks();
  s.evicted_blocks = evicted_blocks_;
  s.prefix_query_tokens = query_tokens_;
  s.prefix_hit_tokens = hit_tokens_;
  return s;
}

void KvBlockManager::reference(std::uint64_t hash) {
  Entry& e = cache_.at(hash);
  if (e.idle) {
    idle_lru_.erase(e.lru);
    e.idle = false;
    idle_blocks_ -= per_prefix_;
  }
  ++e.refs;
}

void KvBlockManager::unreference(std::uint64_t hash) {
  Entry& e = cache_.at(hash);
  if (--e.refs == 0) {
    e.lru = idle_lru_.insert(idle_lru_.end(), hash);
    e.idle = true;
    idle_blocks_ += per_prefix_;
  }
}

void KvBlockManager::take(std::int64_t blocks) {
  while (free_blocks() < blocks) {
    const std::uint64_t victim = idle_lru_.front();
    idle_lru_.pop_front();
    cache_.erase(victim);
    cached_blocks_ -= per_prefix_;
    idle_blocks_ -= per_prefix_;
    evicted_blocks_ += per_prefix_;
  }
  private_blocks_ += blocks;
}

void KvBlockManager::note_peak() {
  peak_used_ = std::max(peak_used_, private_blocks_ + cached_blocks_ - idle_blocks_);
}

}  // namespace maia
