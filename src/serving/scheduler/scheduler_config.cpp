#include "maia/serving/scheduler/scheduler_config.hpp"

#include <string>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& rule, std::int64_t value) {
  throw InputError(fmt::format("scheduler config: {}: {}, got {}", field, rule, value));
}

}  // namespace

void validate_scheduler_config(const SchedulerConfig& c) {
  if (c.max_num_seqs < 1 || c.max_num_seqs > kMaxNumSeqs)
    fail("max_num_seqs", fmt::format("must be in [1, {}]", kMaxNumSeqs), c.max_num_seqs);
  if (c.max_batched_tokens < 1 || c.max_batched_tokens > kMaxBatchedTokens)
    fail("max_batched_tokens", fmt::format("must be in [1, {}]", kMaxBatchedTokens),
         c.max_batched_tokens);
  // Every running decode must get its token each iteration, or the newest ones would starve.
  if (c.max_batched_tokens < c.max_num_seqs)
    fail("max_batched_tokens",
         fmt::format("must be >= max_num_seqs ({}) so every running sequence can decode",
                     c.max_num_seqs),
         c.max_batched_tokens);
  if (c.block_tokens < 1 || c.block_tokens > kMaxBlockTokens)
    fail("block_tokens", fmt::format("must be in [1, {}]", kMaxBlockTokens), c.block_tokens);
  if (c.kv_blocks < 1)
    fail("kv_blocks", "must be >= 1 (KV cache capacity: HBM minus weights and workspace)",
         c.kv_blocks);
  if (c.prefix_block_tokens < 1) fail("prefix_block_tokens", "must be >= 1", c.prefix_block_tokens);
  if (c.max_model_len < 0) fail("max_model_len", "must be >= 0 (0: no limit)", c.max_model_len);
  if (c.speculative_tokens < 0 || c.speculative_tokens > kMaxSchedulerDraftTokens)
    fail("speculative_tokens", fmt::format("must be in [0, {}]", kMaxSchedulerDraftTokens),
         c.speculative_tokens);
  if (c.prefix_caching && c.prefix_block_tokens % c.block_tokens != 0)
    fail("prefix_block_tokens",
         fmt::format("must be a multiple of block_tokens ({}) with prefix caching", c.block_tokens),
         c.prefix_block_tokens);
}

}  // namespace maia
