#include "maia/serving/kv_pools.hpp"

#include <algorithm>

#include "maia/core/checked_math.hpp"
#include "maia/workload/capacity.hpp"

namespace maia {

KvPools kv_pools(const ModelConfig& m, DType kv, std::int64_t block_tokens,
                 std::int64_t max_num_seqs) {
  KvPools p;
  p.pooled_layers = m.num_layers;
  std::int64_t window = 0;  // the largest window of a sliding layer
  if (!m.layer_windows.empty()) {
    p.windowed_layers = std::count_if(m.layer_windows.begin(), m.layer_windows.end(),
                                      [](std::int64_t w) { return w > 0; });
    window = *std::max_element(m.layer_windows.begin(), m.layer_windows.end());
    // Every layer sliding: nothing grows with the sequence; keep them all in the pool.
    if (p.windowed_layers == m.num_layers) p.windowed_layers = 0;
    p.pooled_layers = m.num_layers - p.windowed_layers;
  }
  // The same per-layer bytes as kv_cache_bytes, on a model of just the pooled (or windowed) layers.
  ModelConfig pooled = m;
  pooled.layer_windows.clear();
  pooled.num_layers = p.pooled_layers;
  p.block_bytes = kv_cache_bytes(pooled, kv, {Sequence{0, block_tokens, true}});
  if (p.windowed_layers > 0) {
    ModelConfig windowed = pooled;
    windowed.num_layers = p.windowed_layers;
    const std::int64_t blocks = (window + block_tokens - 1) / block_tokens + 1;
    const std::uint64_t per_seq =
        kv_cache_bytes(windowed, kv, {Sequence{0, blocks * block_tokens, true}});
    p.window_reserve_bytes = checked_mul(per_seq, static_cast<std::uint64_t>(max_num_seqs),
                                         "KV window reservation bytes");
  }
  return p;
}

}  // namespace maia
