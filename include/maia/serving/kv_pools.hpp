#pragma once
// How the serving KV cache is laid out for a model with per-layer attention (gpt-oss layer_types,
// ModelConfig::layer_windows). The paged block pool (KvBlockManager) holds the full-attention
// layers: a block is block_tokens tokens of K and V in every full layer, and a sequence needs
// blocks for all its tokens. A sliding layer keeps only its window, so each running sequence's
// sliding layers hold at most ceil(W / block_tokens) + 1 blocks of block_tokens tokens (the window
// can straddle one more block boundary): this is reserved up front for max_num_seqs sequences,
// outside the pool, as vLLM's hybrid allocator frees blocks that slide out of the window. A model
// without layer_windows (every existing model, including Mistral's uniform window) has all its
// layers in the pool and no reservation, exactly as before.
#include <cstdint>

#include "maia/core/dtype.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

struct KvPools {
  std::uint64_t block_bytes = 0;           // one pool block: block_tokens tokens, pooled layers
  std::uint64_t window_reserve_bytes = 0;  // the sliding layers' windows of max_num_seqs sequences
  std::int64_t pooled_layers = 0;          // layers whose KV is in the pool
  std::int64_t windowed_layers = 0;        // layers with a window, outside the pool
};

KvPools kv_pools(const ModelConfig& m, DType kv, std::int64_t block_tokens,
                 std::int64_t max_num_seqs);

}  // namespace maia
