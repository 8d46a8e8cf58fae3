#include "maia/workload/parameters.hpp"

namespace maia {
namespace {

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// Parameters of one expert (or of the dense MLP): gate (SwiGLU only), up, down and their biases.
std::int64_t expert_parameters(const ModelConfig& m) {
  const std::int64_t h = m.hidden_size, i = m.intermediate_size, up = m.mlp_up_matrices();
  return (up + 1) * h * i + (m.mlp_bias ? up * i + h : 0);
}

}  // namespace

ParameterCount count_parameters(const ModelConfig& m) {
  const std::int64_t h = m.hidden_size, l = m.num_layers;
  const std::int64_t qkv = m.q_dim() + 2 * m.kv_dim();
  ParameterCount p;
  p.embedding = m.vocab_size * h;
  p.positions = m.position_rows() * h;
  p.lm_head = m.tie_word_embeddings ? 0 : m.vocab_size * h;
  p.attention = l * (h * qkv + m.q_dim() * h + (m.qkv_bias ? qkv : 0) + (m.o_bias ? h : 0) +
                     (m.attention_sinks ? m.num_heads : 0));
  const std::int64_t experts = m.is_moe() ? m.num_experts : 1;
  p.mlp = l * experts * expert_parameters(m);
  p.router = m.is_moe() ? l * m.num_experts * (h + (m.router_bias ? 1 : 0)) : 0;
  p.norms = (2 * l + 1) * m.norm_vectors() * h;
  p.total = p.embedding + p.positions + p.lm_head + p.attention + p.mlp + p.router + p.norms;
  p.active =
      p.total - (m.is_moe() ? l * (m.num_experts - m.experts_per_token) * expert_parameters(m) : 0);
  return p;
}

std::uint64_t model_weight_bytes(const ModelConfig& m, DType weights) {
  return model_weight_bytes(m, weights, weights);
}

std::uint64_t model_weight_bytes(const ModelConfig& m, DType weights, DType experts) {
  // One chip's share under tensor parallelism (the whole model with one chip): column- and
  // row-parallel matrices are split, embeddings, norms, router and row-parallel biases replicated.
  const std::uint64_t h = u(m.hidden_size), i = u(m.intermediate_per_chip()), v = u(m.vocab_size);
  const std::uint64_t q = u(m.q_dim_per_chip()),
                      qkv = u(m.q_dim_per_chip() + 2 * m.kv_dim_per_chip());
  const auto w = [weights](std::uint64_t n) { return dtype_bytes(weights, n); };
  const auto bf16 = [](std::uint64_t n) { return dtype_bytes(DType::kBf16, n); };

  const std::uint64_t up = u(m.mlp_up_matrices()), norm = u(m.norm_vectors());
  // The MoE experts' matrices in `experts`; a dense MLP's in `weights`.
  const auto x = [&](std::uint64_t n) { return dtype_bytes(m.is_moe() ? experts : weights, n); };
  std::uint64_t expert = up * x(h * i) + x(i * h);
  if (m.mlp_bias) expert += up * bf16(i) + bf16(h);
  std::uint64_t layer = w(h * qkv) + w(q * h) + 2 * norm * bf16(h);
  if (m.qkv_bias) layer += bf16(qkv);
  if (m.o_bias) layer += bf16(h);
  if (m.attention_sinks) layer += bf16(u(m.heads_per_chip()));
  if (m.router_bias) layer += bf16(u(m.num_experts));
  layer += m.is_moe() ? u(m.num_experts) * expert + w(h * u(m.num_experts)) : expert;

  std::uint64_t total =
      w(v * h) + w(u(m.position_rows()) * h) + u(m.num_layers) * layer + norm * bf16(h);
  if (!m.tie_word_embeddings) total += w(h * u(m.vocab_per_chip()));
  return total;
}

}  // namespace maia
