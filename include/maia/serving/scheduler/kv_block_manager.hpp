#pragma once
// The paged KV cache as block counts: each sequence owns private blocks and holds references on
// shared prefix blocks. A prefix block is keyed by a request's prefix hash id and spans
// prefix_block_tokens / block_tokens KV blocks; it enters the cache when a sequence has computed
// it (publish) and stays there, idle, after its last reference is released, until evicted in
// LRU order to make room. Positions within a block are not modelled: only how many blocks.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

namespace maia {

struct KvCacheStats {
  std::int64_t capacity_blocks = 0;
  std::int64_t used_blocks = 0;  // private + referenced prefix blocks
  std::int64_t peak_used_blocks = 0;
  std::int64_t cached_idle_blocks = 0;   // unreferenced prefix blocks kept for reuse
  std::int64_t free_blocks = 0;          // holding nothing
  std::int64_t evicted_blocks = 0;       // idle prefix blocks reclaimed so far
  std::int64_t prefix_query_tokens = 0;  // tokens looked up at admissions
  std::int64_t prefix_hit_tokens = 0;    // of which found in the cache
  std::int64_t prefix_miss_tokens() const { return prefix_query_tokens - prefix_hit_tokens; }
  double utilisation() const;       // used / capacity
  double peak_utilisation() const;  // peak used / capacity
};

class KvBlockManager {
 public:
  KvBlockManager(std::int64_t capacity_blocks, std::int64_t block_tokens,
                 std::int64_t prefix_block_tokens);

  std::int64_t block_tokens() const { return block_tokens_; }
  std::int64_t prefix_block_tokens() const { return prefix_block_tokens_; }
  std::int64_t blocks_per_prefix() const { return per_prefix_; }
  // Blocks that `tokens` tokens of KV occupy.
  std::int64_t blocks_for(std::int64_t tokens) const;

  // How many leading `hashes` (at most `max_blocks`) are in the cache.
  std::int64_t match_prefix(const std::vector<std::uint64_t>& hashes,
                            std::int64_t max_blocks) const;
  // Whether a new sequence could reference the first `hits` of `hashes` and get `blocks` more.
  bool can_start(const std::vector<std::uint64_t>& hashes, std::int64_t hits,
                 std::int64_t blocks) const;
  // Makes `seq` resident: references the first `hits` hashes (cached, see match_prefix) and
  // allocates `blocks` private blocks. `query_tokens` of which hits * prefix_block_tokens were
  // found feed the hit statistics.
  void start(std::uint64_t seq, const std::vector<std::uint64_t>& hashes, std::int64_t hits,
             std::int64_t blocks, std::int64_t query_tokens);
  // Whether `blocks` more blocks can be had (evicting idle prefix blocks if needed).
  bool can_grow(std::int64_t blocks) const;
  void grow(std::uint64_t seq, std::int64_t blocks);
  // Frees `blocks` private blocks of `seq` (rejected speculative drafts rolled back).
  void shrink(std::uint64_t seq, std::int64_t blocks);
  // Turns blocks_per_prefix() private blocks of `seq` (the KV it computed for prefix `hash`) into
  // a cached prefix block it references. False, changing nothing, if `hash` is already cached.
  bool publish(std::uint64_t seq, std::uint64_t hash);
  // Frees the private blocks of `seq` and drops its references; its prefix blocks stay cached.
  void release(std::uint64_t seq);

  std::int64_t held_blocks(std::uint64_t seq) const;  // private + referenced prefix blocks
  bool resident(std::uint64_t seq) const { return tables_.count(seq) != 0; }
  KvCacheStats stats() const;

 private:
  struct Table {
    std::int64_t private_blocks = 0;
    std::vector<std::uint64_t> shared;  // referenced prefix hashes
  };
  struct Entry {
    std::int64_t refs = 0;
    bool idle = false;                       // unreferenced, in idle_lru_
    std::list<std::uint64_t>::iterator lru;  // valid while idle
  };

  std::int64_t allocatable() const { return free_blocks() + idle_blocks_; }
  std::int64_t free_blocks() const { return capacity_ - private_blocks_ - cached_blocks_; }
  void reference(std::uint64_t hash);
  void unreference(std::uint64_t hash);
  void take(std::int64_t blocks);  // evicts until `blocks` are free, then counts them as private
  void note_peak();

  std::int64_t capacity_;
  std::int64_t block_tokens_;
  std::int64_t prefix_block_tokens_;
  std::int64_t per_prefix_;
  std::unordered_map<std::uint64_t, Table> tables_;
  std::unordered_map<std::uint64_t, Entry> cache_;
  std::list<std::uint64_t> idle_lru_;  // idle prefix hashes, least recently used first
  std::int64_t private_blocks_ = 0;
  std::int64_t cached_blocks_ = 0;  // every cached prefix block, referenced or idle
  std::int64_t idle_blocks_ = 0;
  std::int64_t peak_used_ = 0;
  std::int64_t evicted_blocks_ = 0;
  std::int64_t query_tokens_ = 0;
  std::int64_t hit_tokens_ = 0;
};

}  // namespace maia
