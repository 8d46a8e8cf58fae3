#include "maia/workload/parameters.hpp"

namespace maia {
namespace {

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// Parameters of one MLP `width` wide: gate (SwiGLU only), up, down and their biases.
std::int64_t mlp_parameters(const ModelConfig& m, std::int64_t width) {
  const std::int64_t h = m.hidden_size, up = m.mlp_up_matrices();
  return (up + 1) * h * width + (m.mlp_bias ? up * width + h : 0);
}

// One layer's attention: Q, K, V and O projections with their biases, or MLA's down
// projections (with the latent norms), up projections and O projection.
std::int64_t attention_parameters(const ModelConfig& m) {
  const std::int64_t h = m.hidden_size;
  if (m.is_mla()) {
    const MlaDims& a = m.mla;
    const std::int64_t heads = m.num_heads;
    const std::int64_t q = a.q_lora_rank > 0 ? h * a.q_lora_rank + a.q_lora_rank +
                                                   a.q_lora_rank * heads * a.qk_head_dim()
                                             : h * heads * a.qk_head_dim();
    const std::int64_t kv = h * a.cache_dim() + a.kv_lora_rank +
                            a.kv_lora_rank * heads * (a.qk_nope_head_dim + a.v_head_dim);
    return q + kv + heads * a.v_head_dim * h;
  }
  const std::int64_t qkv = m.q_dim() + 2 * m.kv_dim();
  return h * qkv + m.q_dim() * h + (m.qkv_bias ? qkv : 0) + (m.o_bias ? h : 0);
}

}  // namespace

ParameterCount count_parameters(const ModelConfig& m) {
  const std::int64_t h = m.hidden_size, l = m.num_layers;
  ParameterCount p;
  p.embedding = m.vocab_size * h;
  p.positions = m.position_rows() * h;
  p.lm_head = m.tie_word_embeddings ? 0 : m.vocab_size * h;
  p.attention = l * (attention_parameters(m) + (m.attention_sinks ? m.num_heads : 0));
  const std::int64_t expert = mlp_parameters(m, m.expert_intermediate());
  if (m.is_moe()) {
    p.mlp = m.dense_layers() * mlp_parameters(m, m.intermediate_size) +
            m.moe_layers() * (m.num_experts + m.shared_experts) * expert;
    p.router = m.moe_layers() * m.num_experts * (h + (m.router_bias ? 1 : 0));
  } else {
    p.mlp = l * mlp_parameters(m, m.intermediate_size);
  }
  p.norms = (2 * l + 1) * m.norm_vectors() * h;
  p.total = p.embedding + p.positions + p.lm_head + p.attention + p.mlp + p.router + p.norms;
  p.active = p.total - m.moe_layers() * (m.num_experts - m.experts_per_token) * expert;
  return p;
}

std::uint64_t model_weight_bytes(const ModelConfig& m, DType weights) {
  return model_weight_bytes(m, weights, weights);
}

std::uint64_t model_weight_bytes(const ModelConfig& m, DType weights, DType experts) {
  // One chip's share under tensor parallelism (the whole model with one chip): column- and
  // row-parallel matrices are split, embeddings, norms, router and row-parallel biases
  // replicated; MLA's down projections (to the Q and KV latents) are replicated too. Under
  // expert parallelism a chip holds num_experts / expert_parallel routed experts.
  const std::uint64_t h = u(m.hidden_size), v = u(m.vocab_size);
  const auto w = [weights](std::uint64_t n) { return dtype_bytes(weights, n); };
  const auto bf16 = [](std::uint64_t n) { return dtype_bytes(DType::kBf16, n); };

  const std::uint64_t up = u(m.mlp_up_matrices()), norm = u(m.norm_vectors());
  // Routed and shared experts' matrices in `experts`; a dense MLP's in `weights`.
  const auto mlp = [&](std::uint64_t i, DType dt) {
    std::uint64_t b = up * dtype_bytes(dt, h * i) + dtype_bytes(dt, i * h);
    if (m.mlp_bias) b += up * bf16(i) + bf16(h);
    return b;
  };
  std::uint64_t attention = 0;
  if (m.is_mla()) {
    const MlaDims& a = m.mla;
    const std::uint64_t heads = u(m.heads_per_chip()), ql = u(a.q_lora_rank),
                        kl = u(a.kv_lora_rank);
    attention = ql > 0 ? w(h * ql) + bf16(ql) + w(ql * heads * u(a.qk_head_dim()))
                       : w(h * heads * u(a.qk_head_dim()));
    attention += w(h * u(a.cache_dim())) + bf16(kl) +
                 w(kl * heads * u(a.qk_nope_head_dim + a.v_head_dim)) +
                 w(heads * u(a.v_head_dim) * h);
  } else {
    const std::uint64_t q = u(m.q_dim_per_chip()),
                        qkv = u(m.q_dim_per_chip() + 2 * m.kv_dim_per_chip());
    attention = w(h * qkv) + w(q * h);
    if (m.qkv_bias) attention += bf16(qkv);
    if (m.o_bias) attention += bf16(h);
  }
  if (m.attention_sinks) attention += bf16(u(m.heads_per_chip()));
  const std::uint64_t layer = attention + 2 * norm * bf16(h);
  const std::uint64_t dense = mlp(u(m.intermediate_per_chip()), weights);
  // A pipeline stage holds its own layers; the first the embedding (and positions), the last
  // the final norm and the LM head (a tied LM head: its own copy of the table).
  std::uint64_t total = 0;
  if (m.has_embedding()) total += w(v * h) + w(u(m.position_rows()) * h);
  if (m.has_head()) {
    total += norm * bf16(h);
    if (!m.tie_word_embeddings)
      total += w(h * u(m.vocab_per_chip()));
    else if (!m.has_embedding())
      total += w(v * h);
  }
  std::uint64_t moe_layers = 0, dense_layers = 0;
  for (std::int64_t l = m.first_layer(); l < m.end_layer(); ++l)
    ++(m.is_moe_layer(l) ? moe_layers : dense_layers);
  if (m.is_moe()) {
    const std::uint64_t routed_and_shared = u(m.experts_per_chip() + m.shared_experts) *
                                            mlp(u(m.expert_intermediate_per_chip()), experts);
    std::uint64_t router = w(h * u(m.num_experts));
    if (m.router_bias) router += bf16(u(m.num_experts));
    total += dense_layers * (layer + dense) + moe_layers * (layer + routed_and_shared + router);
  } else {
    total += dense_layers * (layer + dense);
  }
  return total;
}

}  // namespace maia
