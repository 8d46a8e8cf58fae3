#pragma once
// Expert parallelism for MoE models: the routed experts are split over `ep` groups of chips
// (num_experts / ep per group; each group is a tensor-parallel group of model.tensor_parallel
// chips, so the model spans tp x ep chips). Attention, dense layers, shared experts, router,
// embedding and LM head are data-parallel over the ep groups: each group holds them (sharded
// over its tp chips) and runs them for its own 1 / ep of the batch. In every MoE layer the
// tokens' hidden vectors go to the chips holding their experts (dispatch, an all-to-all over
// the ep group) and the experts' outputs come back (combine, another all-to-all); the busiest
// chip's routed token load sets the expert GEMMs' time (maia/workload/operator_graph.hpp).
#include <cstdint>

#include "maia/workload/model_config.hpp"

namespace maia {

// Sets model.expert_parallel = ep after checking it: ep >= 1; ep > 1 needs an MoE model whose
// num_local_experts divide by ep. InputError naming `option`, the rule and the values otherwise.
void apply_expert_parallel(ModelConfig& model, std::int64_t ep, const char* option = "--ep");

}  // namespace maia
