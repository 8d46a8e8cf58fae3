#pragma once
// The operators of one iteration of a model over a batch, in a valid execution order.
#include <string>
#include <vector>

#include "maia/workload/batch.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/moe_routing.hpp"
#include "maia/workload/operator.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {

struct OperatorGraph {
  std::string name;
  std::vector<Operator> ops;

  OpCost total() const;
  // Signatures of a layer's operators joined: equal for layers that compile identically.
  std::string layer_signature(int layer) const;
  bool operator==(const OperatorGraph&) const = default;
};

// Embedding, per layer (RMSNorm, QKV, RoPE, attention, O projection, residual add, RMSNorm,
// SwiGLU MLP or router + routed experts + combine, residual add), final norm, LM head and
// sampling for the sequences that emit a token. GPT-2-style models (learned positions,
// LayerNorm, GELU MLP) add the position table after the embedding, use LayerNorm, store K and V
// with a copy instead of RoPE, and run up, GELU, down. InputError for an invalid batch.
// With model.tensor_parallel = N > 1 it is one chip's graph of the group: the chip's share of
// heads, KV heads, intermediate columns and vocabulary, an all-reduce after the O projection and
// after the MLP (each residual add depends on it) and an all-gather of the logits before
// sampling. With N = 1 there is no collective and the graph is the single-chip one.
OperatorGraph build_iteration_graph(const ModelConfig& model, const Quantization& quant,
                                    const std::vector<Sequence>& batch,
                                    const MoeRouting& routing = {});

// Throws InputError unless every dependency names an earlier operator and every vector
// function exists; `where` prefixes the message.
void validate_graph(const OperatorGraph& g, const std::string& where);

}  // namespace maia
