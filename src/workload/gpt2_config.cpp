#include "maia/workload/gpt2_config.hpp"

#include <fmt/format.h>

#include "maia/workload/decoder_fields.hpp"

namespace maia {

const std::vector<std::string>& ignored_gpt2_fields() {
  static const std::vector<std::string> fields = with_family_neutral_fields({
      // Numerics and training options.
      "layer_norm_epsilon",
      "resid_pdrop",
      "embd_pdrop",
      "attn_pdrop",
      "scale_attn_weights",
      "scale_attn_by_inverse_layer_idx",
      "reorder_and_upcast_attn",
      "initializer_range",
      // The sequence-summary head of GPT2DoubleHeadsModel, absent from the LM.
      "summary_type",
      "summary_use_proj",
      "summary_activation",
      "summary_proj_to_labels",
      "summary_first_dropout",
      "task_specific_params",
      // The checkpoint's quantisation: the simulated datatypes are chosen with Quantization.
      "quantization_config",
  });
  return fields;
}

void read_gpt2_fields(JsonReader& r, ModelConfig& m) {
  m.hidden_size = r.integer("n_embd", 1, INT32_MAX);
  m.num_layers = r.integer("n_layer", 1, 100000);
  m.num_heads = r.integer("n_head", 1, 100000);
  if (m.hidden_size % m.num_heads != 0)
    r.fail("n_head", fmt::format("must divide n_embd ({})", m.hidden_size));
  m.num_kv_heads = m.num_heads;  // multi-head attention
  m.head_dim = m.hidden_size / m.num_heads;
  m.vocab_size = r.integer("vocab_size", 1, INT32_MAX);

  // n_inner: null or absent means 4 x n_embd (GPT2MLP).
  if (r.has("n_inner") && r.node()["n_inner"].is_null()) {
    r.child("n_inner");
    m.intermediate_size = 4 * m.hidden_size;
  } else {
    m.intermediate_size = r.integer_or("n_inner", 4 * m.hidden_size, 1, INT32_MAX);
  }

  // n_positions is the table size; n_ctx is its older name and must agree when both are given.
  if (!r.has("n_positions") && !r.has("n_ctx"))
    r.fail("n_positions", "is required (or its older name n_ctx)");
  const std::int64_t ctx = r.integer_or("n_ctx", 0, 1, INT32_MAX);
  m.max_position_embeddings = r.integer_or("n_positions", ctx, 1, INT32_MAX);
  if (ctx != 0 && ctx != m.max_position_embeddings)
    r.fail("n_ctx", fmt::format("must equal n_positions ({})", m.max_position_embeddings));

  // Every GELU variant Hugging Face names runs as the TVP's gelu (tanh approximation; the erf
  // form costs the same polynomial work).
  r.choice_or("activation_function", "gelu_new",
              {"gelu_new", "gelu", "gelu_pytorch_tanh", "gelu_fast"});
  if (r.boolean_or("add_cross_attention", false))
    r.fail("add_cross_attention", "cross-attention (an encoder-decoder model) is not supported");
  m.tie_word_embeddings = r.boolean_or("tie_word_embeddings", true);

  m.norm = NormKind::kLayerNorm;
  m.mlp = MlpKind::kGelu;
  m.positions = PositionKind::kLearned;
  m.qkv_bias = m.o_bias = m.mlp_bias = true;  // Conv1D layers c_attn, c_proj, c_fc all have bias
}

}  // namespace maia
