#include "maia/workload/capacity.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/checked_math.hpp"
#include "maia/core/error.hpp"
#include "maia/workload/parameters.hpp"
#include "maia/workload/tensor_parallel.hpp"

namespace maia {
namespace {

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }
double gb(std::uint64_t bytes) { return static_cast<double>(bytes) / 1e9; }

}  // namespace

std::uint64_t kv_cache_bytes(const ModelConfig& m, DType kv, const std::vector<Sequence>& batch) {
  constexpr const char* what = "KV cache bytes";
  // Bytes of K and V of `tokens` tokens in one layer: the chip's KV heads, or MLA's latent and
  // rotary key (one per token, the same on every chip of the group).
  const auto layer_bytes = [&](std::uint64_t tokens) {
    if (m.is_mla()) return dtype_bytes(kv, checked_mul(tokens, u(m.mla.cache_dim()), what));
    return checked_mul(std::uint64_t{2},
                       dtype_bytes(kv, checked_mul(tokens, u(m.kv_dim_per_chip()), what)), what);
  };
  std::uint64_t total = 0;
  if (m.layer_windows.empty()) {
    // One attention kind in every layer: the whole sequence (a uniform sliding window, as in
    // Mistral, keeps the full cache as before).
    std::uint64_t per_layer = 0;
    for (const auto& s : batch)
      per_layer = checked_add(
          per_layer, layer_bytes(checked_add(u(s.cached_tokens), u(s.new_tokens), what)), what);
    return checked_mul(per_layer, u(m.end_layer() - m.first_layer()), what);
  }
  // Per-layer attention (layer_types): a sliding layer keeps only its last `window` tokens.
  for (std::int64_t layer = m.first_layer(); layer < m.end_layer(); ++layer) {
    const std::uint64_t window = u(m.layer_window(layer));
    for (const auto& s : batch) {
      const std::uint64_t tokens = checked_add(u(s.cached_tokens), u(s.new_tokens), what);
      total = checked_add(total, layer_bytes(window > 0 ? std::min(tokens, window) : tokens), what);
    }
  }
  return total;
}

MemoryFootprint memory_footprint(const ModelConfig& m, const Quantization& q,
                                 const std::vector<Sequence>& batch) {
  validate_batch(batch);
  MemoryFootprint f;
  f.weight_bytes = model_weight_bytes(m, q.weights, q.expert_weights());
  f.kv_cache_bytes = kv_cache_bytes(m, q.kv_cache, batch);
  // The residual stream plus the largest set of tensors live inside one layer (normed input with
  // QKV, or normed input with gate, up, SwiGLU output and the routed copies; up and GELU output
  // for a GELU MLP), plus the logits.
  // MLA: the Q and KV latents, the heads' queries and outputs, and, for the sequences that
  // decompress their context (prefill chunks), that context's per-head keys and values.
  const std::int64_t h = m.hidden_size;
  const std::int64_t live = (m.mlp_up_matrices() + 1);
  const std::int64_t mlp_dense = h + live * m.intermediate_per_chip();
  const std::int64_t mlp_moe = m.is_moe() ? (m.experts_per_token + m.shared_experts) *
                                                (live * m.expert_intermediate_per_chip() + h)
                                          : 0;
  std::int64_t attention = h + m.q_dim_per_chip() + 2 * m.kv_dim_per_chip();
  std::uint64_t decompressed = 0;
  constexpr const char* what = "workspace bytes";
  if (m.is_mla()) {
    const MlaDims& a = m.mla;
    const std::int64_t heads = m.heads_per_chip();
    attention = h + a.q_lora_rank + a.cache_dim() +
                heads * (a.qk_head_dim() + a.kv_lora_rank + a.v_head_dim);
    for (const auto& s : batch)
      if (s.new_tokens > kMlaAbsorbedMaxQueries)
        decompressed = checked_add(decompressed,
                                   checked_mul(u(s.cached_tokens + s.new_tokens),
                                               u(heads * (a.qk_head_dim() + a.v_head_dim)), what),
                                   what);
  }
  const std::int64_t per_token = h + std::max({attention, h + mlp_dense, h + mlp_moe});
  f.workspace_bytes = checked_add(
      checked_add(
          dtype_bytes(q.activations, checked_mul(u(total_new_tokens(batch)), u(per_token), what)),
          dtype_bytes(q.activations, decompressed), what),
      dtype_bytes(q.activations, checked_mul(u(emitting_sequences(batch)), u(m.vocab_size), what)),
      what);
  return f;
}

namespace {

// The smallest tensor-parallel degree above the model's (powers of two up to 64) at which each
// chip's share fits hbm_bytes (other degrees kept); 0 when none does.
std::int64_t fitting_degree(const ModelConfig& m, const Quantization& q,
                            const std::vector<Sequence>& batch, std::uint64_t hbm_bytes) {
  for (std::int64_t tp = 2 * m.tensor_parallel; tp <= 64; tp *= 2) {
    ModelConfig shard = m;
    try {
      apply_tensor_parallel(shard, tp, tp);
    } catch (const InputError&) {
      continue;  // the heads or intermediate columns do not divide by this degree
    }
    if (memory_footprint(shard, q, batch).total() <= hbm_bytes) return tp;
  }
  return 0;
}

}  // namespace

MemoryFootprint check_capacity(const ModelConfig& m, const Quantization& q,
                               const std::vector<Sequence>& batch, std::uint64_t hbm_bytes) {
  const MemoryFootprint f = memory_footprint(m, q, batch);
  checked_add(checked_add(f.weight_bytes, f.kv_cache_bytes, "HBM footprint"), f.workspace_bytes,
              "HBM footprint");
  if (f.total() > hbm_bytes) {
    const std::int64_t tp = fitting_degree(m, q, batch, hbm_bytes);
    throw InputError(fmt::format(
        "{} ({}): model does not fit: weights {:.2f} GB + KV {:.2f} GB + workspace {:.2f} GB "
        "> HBM {:.2f} GB ({} > {} bytes){}",
        m.name, quantization_text(q), gb(f.weight_bytes), gb(f.kv_cache_bytes),
        gb(f.workspace_bytes), gb(hbm_bytes), f.total(), hbm_bytes,
        tp > 0 ? fmt::format("; sharded over {} chips (--tp {}{}) each chip's share fits",
                             tp * m.expert_parallel, tp,
                             m.expert_parallel > 1 ? fmt::format(" --ep {}", m.expert_parallel)
                                                   : std::string())
               : ""));
  }
  return f;
}

}  // namespace maia
