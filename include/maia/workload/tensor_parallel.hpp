#pragma once
// Tensor parallelism over the chips of one tray, as Megatron-LM shards a transformer: attention
// heads (Q, K, V columns and O rows), MLP / expert intermediate columns (gate, up) and rows
// (down), and LM-head vocabulary rows are split over the chips; embedding, norms and router are
// replicated. Each chip then runs the same per-chip iteration graph, with an all-reduce of the
// hidden state after the O projection and after the MLP, and an all-gather of the logits before
// sampling (maia/workload/operator_graph.hpp).
#include <cstdint>

#include "maia/workload/model_config.hpp"

namespace maia {

// Sets model.tensor_parallel = tp after checking it: 1 <= tp <= max_tp (this chip and its tray
// peers), attention heads and intermediate size divide by tp, and KV heads divide by tp or tp by
// KV heads (then each chip keeps one replicated KV head). InputError naming `option`, the rule
// and the values otherwise.
void apply_tensor_parallel(ModelConfig& model, std::int64_t tp, std::int64_t max_tp,
                           const char* option = "--tp");

}  // namespace maia
