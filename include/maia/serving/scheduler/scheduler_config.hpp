#pragma once
// The knobs of the continuous-batching scheduler (docs/scheduler.md): per-iteration budgets, the
// paged KV cache's geometry and capacity, chunked prefill and prefix caching.
#include <cstdint>

namespace maia {

// The simulator's limits on the budgets (memory it allocates grows with them).
inline constexpr std::int64_t kMaxNumSeqs = 4096;  // = the attention operator's sequence limit
inline constexpr std::int64_t kMaxBatchedTokens = 1 << 24;
inline constexpr std::int64_t kMaxBlockTokens = 1 << 16;
inline constexpr std::int64_t kMaxSchedulerDraftTokens = 64;  // speculative_tokens

struct SchedulerConfig {
  std::int64_t max_num_seqs = 256;         // running (KV-resident) sequences at most
  std::int64_t max_batched_tokens = 8192;  // tokens computed per iteration at most
  std::int64_t block_tokens = 16;          // tokens per KV cache block
  // KV cache capacity in blocks; the caller derives it from HBM minus weights and workspace.
  std::int64_t kv_blocks = 0;
  bool chunked_prefill = true;             // a prompt may be split across iterations
  bool prefix_caching = true;              // reuse the KV of shared prompt prefixes
  std::int64_t prefix_block_tokens = 512;  // tokens per Request::prefix_blocks hash id
  // Positions a sequence may reach (prompt + output - 1: the model's max_position_embeddings,
  // vLLM's max_model_len); 0: no limit.
  std::int64_t max_model_len = 0;
  // Speculative decoding: draft tokens per decode step (0: off). A decoding sequence is then
  // scheduled 1 + d tokens (d <= this, fewer near its last output token or when the budget is
  // short), its KV grows by all of them, and complete_iteration rolls back the rejected ones.
  std::int64_t speculative_tokens = 0;

  // KV blocks that one prefix block (hash id) spans.
  std::int64_t kv_blocks_per_prefix_block() const { return prefix_block_tokens / block_tokens; }
};

// Throws InputError naming the field, the rule and the value.
void validate_scheduler_config(const SchedulerConfig& config);

}  // namespace maia
