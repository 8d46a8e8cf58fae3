#pragma once
// Parameter counts and weight storage of a model.
#include <cstdint>

#include "maia/core/dtype.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

struct ParameterCount {
  std::int64_t embedding = 0;
  std::int64_t positions = 0;  // learned position table (0 with rotary positions)
  std::int64_t lm_head = 0;    // 0 when tied to the embedding
  std::int64_t attention = 0;  // all layers, with biases
  std::int64_t mlp = 0;        // all layers, all experts, with biases
  std::int64_t router = 0;
  std::int64_t norms = 0;
  std::int64_t total = 0;
  std::int64_t active = 0;  // with only experts_per_token experts per layer
};

// The whole model's parameters (tensor parallelism does not change them).
ParameterCount count_parameters(const ModelConfig& m);

// Bytes of all weights one chip holds: matrices (embedding, position table, projections, experts,
// router, LM head) in `weights`, norm weights and biases in BF16. With m.tensor_parallel = N the
// chip's share: attention, MLP / expert and LM-head matrices (and their column biases) / N,
// embeddings, norms, router and row-parallel biases replicated; N = 1: the whole model.
std::uint64_t model_weight_bytes(const ModelConfig& m, DType weights);
// The same with the MoE experts' matrices in `experts` (Quantization::expert_weights()); attention
// sinks and the router bias are BF16 vectors.
std::uint64_t model_weight_bytes(const ModelConfig& m, DType weights, DType experts);

}  // namespace maia
