#include "maia/workload/deepseek_config.hpp"

#include <fmt/format.h>

#include "maia/workload/decoder_fields.hpp"

namespace maia {

const std::vector<std::string>& ignored_deepseek_fields() {
  static const std::vector<std::string> fields = with_family_neutral_fields({
      // Numerics of the router (score function, normalisation and scale of the top-k weights)
      // and of attention/RoPE; they change values, not work.
      "norm_topk_prob",
      "routed_scaling_factor",
      "scoring_func",
      "rms_norm_eps",
      "rope_theta",
      "rope_scaling",
      "attention_dropout",
      // Training options.
      "aux_loss_alpha",
      "seq_aux",
      "ep_size",
      "pretraining_tp",
      "initializer_range",
      // The checkpoint's quantisation: the simulated datatypes are chosen with Quantization.
      "quantization_config",
      "auto_map",
  });
  return fields;
}

namespace {

void read_mla(JsonReader& r, ModelConfig& m) {
  MlaDims& a = m.mla;
  a.kv_lora_rank = r.integer("kv_lora_rank", 1, 1 << 20);
  // q_lora_rank null (DeepSeek-V2-Lite): Q is projected directly from the hidden state.
  if (r.has("q_lora_rank") && r.node()["q_lora_rank"].is_null()) {
    r.child("q_lora_rank");
  } else {
    a.q_lora_rank = r.integer_or("q_lora_rank", 0, 1, 1 << 20);
  }
  a.qk_nope_head_dim = r.integer("qk_nope_head_dim", 1, 1 << 20);
  a.qk_rope_head_dim = r.integer("qk_rope_head_dim", 2, 1 << 20);
  if (a.qk_rope_head_dim % 2 != 0)
    r.fail("qk_rope_head_dim", fmt::format("rotary dimensions come in pairs: must be even, got {}",
                                           a.qk_rope_head_dim));
  a.v_head_dim = r.integer("v_head_dim", 1, 1 << 20);
  // head_dim, when given, is the rotary slice (Hugging Face's DeepseekV3Config) or the whole
  // query-key head; anything else contradicts the MLA dimensions.
  if (r.has("head_dim")) {
    const std::int64_t hd = r.integer("head_dim", 1, 1 << 20);
    if (hd != a.qk_rope_head_dim && hd != a.qk_head_dim())
      r.fail("head_dim", fmt::format("contradicts the MLA dimensions: must be qk_rope_head_dim "
                                     "({}) or qk_nope_head_dim + qk_rope_head_dim ({}), got {}",
                                     a.qk_rope_head_dim, a.qk_head_dim(), hd));
    if (a.qk_rope_head_dim > hd)
      r.fail("qk_rope_head_dim", fmt::format("the rotary slice ({}) is wider than head_dim ({})",
                                             a.qk_rope_head_dim, hd));
  }
  m.head_dim = a.qk_head_dim();
}

void read_moe(JsonReader& r, ModelConfig& m) {
  m.num_experts = r.integer_or("n_routed_experts", 0, 1, 1 << 20);
  if (m.num_experts == 0) {
    for (const char* f :
         {"n_shared_experts", "moe_intermediate_size", "first_k_dense_replace", "n_group",
          "topk_group", "num_experts_per_tok", "topk_method", "moe_layer_freq"})
      if (r.has(f)) r.fail(f, "requires n_routed_experts (a DeepSeek MoE)");
    return;
  }
  m.experts_per_token = r.integer("num_experts_per_tok", 1, m.num_experts);
  m.moe_intermediate_size = r.integer("moe_intermediate_size", 1, INT32_MAX);
  m.shared_experts = r.integer_or("n_shared_experts", 0, 0, 1 << 10);
  m.first_dense_layers = r.integer_or("first_k_dense_replace", 0, 0, m.num_layers);
  r.integer_or("moe_layer_freq", 1, 1, 1);  // every layer past the dense ones is MoE
  m.expert_groups = r.integer_or("n_group", 1, 1, m.num_experts);
  if (m.num_experts % m.expert_groups != 0)
    r.fail("n_group", fmt::format("must divide n_routed_experts ({}), got {}", m.num_experts,
                                  m.expert_groups));
  m.groups_per_token = r.integer_or("topk_group", m.expert_groups, 1, m.expert_groups);
  const std::int64_t reachable = m.groups_per_token * (m.num_experts / m.expert_groups);
  if (m.experts_per_token > reachable)
    r.fail("num_experts_per_tok",
           fmt::format("{} experts per token cannot come from topk_group {} groups of {} experts",
                       m.experts_per_token, m.groups_per_token, m.num_experts / m.expert_groups));
  // noaux_tc selects with a learned per-expert bias (auxiliary-loss-free balancing).
  const std::string method =
      r.choice_or("topk_method", "greedy", {"greedy", "group_limited_greedy", "noaux_tc"});
  m.router_bias = method == "noaux_tc";
}

}  // namespace

void read_deepseek_fields(JsonReader& r, ModelConfig& m) {
  read_decoder_dimensions(r, m);
  // MLA has no KV heads of its own: every head reads the one latent. The field is accepted when
  // it restates the head count.
  m.num_kv_heads = r.integer_or("num_key_value_heads", m.num_heads, 1, m.num_heads);
  if (m.num_kv_heads != m.num_heads)
    r.fail("num_key_value_heads",
           fmt::format("multi-head latent attention shares one latent across all heads; must "
                       "equal num_attention_heads ({}) when given",
                       m.num_heads));
  if (r.boolean_or("attention_bias", false))
    r.fail("attention_bias", "biases on the MLA projections are not supported");
  read_mla(r, m);
  read_moe(r, m);
  m.mtp_layers = r.integer_or("num_nextn_predict_layers", 0, 0, 64);
}

}  // namespace maia
