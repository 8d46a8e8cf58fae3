#pragma once
// One inference request of a serving trace: when it arrives and how many tokens it brings and
// asks for. This is what the serving engine consumes.
#include <cstdint>
#include <vector>

namespace maia {

struct Request {
  std::uint64_t id = 0;            // 0..n-1 in arrival order
  double arrival_s = 0.0;          // seconds after the first request of the trace
  std::int64_t input_tokens = 0;   // prompt tokens
  std::int64_t output_tokens = 0;  // tokens to generate
  // Hash ids of the prompt's 512-token prefix blocks (Mooncake traces; empty otherwise). Equal
  // ids in two requests mean a shared prefix whose KV cache can be reused.
  std::vector<std::uint64_t> prefix_blocks;
  // KV of the first kv_ready_tokens prompt tokens is already on the replica, moved in from a
  // prefill replica (disaggregated serving, docs/serving.md): admission allocates blocks for it
  // and computes only the rest. A preemption discards it (the recompute is a prefill). 0: none.
  std::int64_t kv_ready_tokens = 0;
};

}  // namespace maia
