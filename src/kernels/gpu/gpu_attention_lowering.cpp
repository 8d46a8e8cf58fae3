// Flash attention (prefill and decode) as CTAs over (sequence, head, query block): a CTA keeps
// its query block on chip and streams the keys and values its causal (windowed) range needs,
// kBlockKv tokens per step; through L2, K and V are read from HBM once per (sequence, KV head)
// while a wave shares them. Decode CTAs hold all of a KV head's query heads, so each reads its
// K and V once.
// Decode-sized query blocks with too few (sequence, KV head) units to fill the SMs split the keys
// over more CTAs (split-KV), each writing an FP32 partial; the combine is folded into the
// partials' traffic. A latent KV (MLA) is one vector per token read once for keys and values.
// QK^T and PV are tensor work at attention_efficiency; the online softmax is
// vector and SFU work that does not overlap it.
#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/gpu/gpu_peaks.hpp"
#include "maia/kernels/gpu/gpu_lowering.hpp"

namespace maia {

namespace {
constexpr std::int64_t kBlockQ = 128;  // query rows per CTA (prefill)
constexpr std::int64_t kDecodeQ = 16;  // query blocks this small may split the keys
constexpr std::int64_t kBlockKv = 64;  // keys per main-loop step
constexpr std::int64_t kKvStages = 2;  // K/V steps in shared memory
constexpr std::int64_t kMinKvPerSplit = 256;
constexpr std::uint64_t kSoftmaxOpsPerPair = 4;  // scale, max, subtract, sum
}  // namespace

GpuKernel lower_gpu_attention(const GpuConfig& cfg, const AttentionShape& a, const OpCost& cost,
                              const std::string& name) {
  if (a.heads <= 0 || a.kv_heads <= 0 || a.head_dim <= 0 || a.heads % a.kv_heads != 0 ||
      a.sequences.empty())
    throw InputError(fmt::format(
        "{}: attention needs sequences, heads ({}) a positive multiple of kv_heads ({}) and a "
        "positive head_dim ({})",
        name, a.heads, a.kv_heads, a.head_dim));
  const auto group = static_cast<std::uint64_t>(a.heads / a.kv_heads);
  const auto d = static_cast<std::uint64_t>(a.head_dim);
  const auto dv = static_cast<std::uint64_t>(a.value_dim());
  const auto cache = static_cast<std::uint64_t>(a.cache_dim());  // K and V, or one latent
  const auto kvh = static_cast<std::uint64_t>(a.kv_heads);
  std::uint64_t total_q = 0, total_span = 0, generic_kv = 0;
  std::int64_t units = 0;
  for (const auto& s : a.sequences) {
    if (s.q_tokens < 0 || s.kv_tokens < s.q_tokens)
      throw InputError(
          fmt::format("{}: a sequence has {} queries and {} keys (keys >= queries >= 0)", name,
                      s.q_tokens, s.kv_tokens));
    total_q += static_cast<std::uint64_t>(s.q_tokens);
    const auto span = static_cast<std::uint64_t>(attention_kv_span(s, a.window));
    total_span += span;
    generic_kv += dtype_bytes(a.kv_dtype, span * kvh * cache);
    units += (s.q_tokens + kBlockQ - 1) / kBlockQ * a.kv_heads;
  }
  const std::uint64_t kv_bytes = std::max(cost.kv_read_bytes, generic_kv);
  const std::uint64_t q_bytes =
      std::max(cost.activation_read_bytes, dtype_bytes(a.q_dtype, total_q * group * kvh * d));
  const std::uint64_t o_bytes =
      std::max(cost.activation_write_bytes, dtype_bytes(a.q_dtype, total_q * group * kvh * dv));
  const std::int64_t sms = cfg.sm.count;
  const std::int64_t want_splits = units > 0 && units < sms ? (sms + units - 1) / units : 1;
  const auto wide = static_cast<std::uint64_t>(want_splits);  // KV blocks per (sequence, head)

  GpuKernel k;
  k.name = name;
  k.mma_dtype = gpu_mma_dtype(a.q_dtype, a.kv_dtype);
  k.tensor_efficiency = cfg.kernel.attention_efficiency;
  k.vector_after_tensor = true;
  k.store_in_epilogue = true;
  std::uint64_t max_q = 0, max_kv = 0, max_o = 0, max_partial = 0, max_rows = 0;
  std::uint64_t unit = 0, kv_block = 0;
  for (const auto& s : a.sequences) {
    if (s.q_tokens == 0) continue;
    const auto qs = static_cast<std::uint64_t>(s.q_tokens);
    const auto span = static_cast<std::uint64_t>(attention_kv_span(s, a.window));
    const std::uint64_t seq_q = gpu_share(gpu_share(q_bytes, qs, total_q), 1, kvh);
    const std::uint64_t seq_o = gpu_share(gpu_share(o_bytes, qs, total_q), 1, kvh);
    const std::uint64_t seq_kv =
        gpu_share(gpu_share(kv_bytes, span, std::max<std::uint64_t>(1, total_span)), 1, kvh);
    const bool decode = s.q_tokens <= kDecodeQ;
    const std::int64_t splits =
        decode ? std::max<std::int64_t>(1, std::min(want_splits, s.kv_tokens / kMinKvPerSplit)) : 1;
    const auto us = static_cast<std::uint64_t>(splits);
    // Decode: one CTA holds all the KV head's query heads (K and V read once); prefill: one
    // CTA per query head, the group's CTAs sharing K and V through L2.
    const std::uint64_t heads_per_cta = decode ? group : 1;
    const std::uint64_t ctas_per_kv_head = group / heads_per_cta;
    for (std::uint64_t h = 0; h < kvh; ++h) {
      for (std::int64_t q0 = 0; q0 < s.q_tokens; q0 += kBlockQ) {
        const std::int64_t q1 = std::min(s.q_tokens, q0 + kBlockQ);
        const AttentionSequence sub{q1 - q0, s.kv_tokens - (s.q_tokens - q1)};
        const auto pairs = static_cast<std::uint64_t>(attention_pairs(sub, a.window));
        const auto sub_span = static_cast<std::uint64_t>(attention_kv_span(sub, a.window));
        const auto qlen = static_cast<std::uint64_t>(q1 - q0);
        const std::uint64_t kv_read =
            gpu_share(gpu_share(seq_kv, sub_span, std::max<std::uint64_t>(1, span)), 1, us);
        const std::uint64_t q_read = gpu_share(gpu_share(seq_q, qlen, qs), 1, ctas_per_kv_head);
        const std::uint64_t o_write = gpu_share(gpu_share(seq_o, qlen, qs), 1, ctas_per_kv_head);
        const std::uint64_t live = std::min<std::uint64_t>(
            kv_read,
            gpu_share(kv_read, kBlockKv * kKvStages, std::max<std::uint64_t>(1, sub_span)));
        max_rows = std::max(max_rows, qlen * heads_per_cta);
        for (std::uint64_t j = 0; j < ctas_per_kv_head; ++j) {
          for (std::uint64_t c = 0; c < us; ++c) {
            GpuCta cta;
            cta.tensor_macs = gpu_share(pairs * (d + dv) * heads_per_cta, 1, us);
            cta.sfu_ops = gpu_share(pairs * heads_per_cta, 1, us);
            cta.vector_ops = kSoftmaxOpsPerPair * cta.sfu_ops;
            cta.reads = {{0, unit, q_read, 0}, {1, kv_block * wide + c, kv_read, live}};
            if (us > 1) {
              const std::uint64_t partial = qlen * heads_per_cta * (dv + 1) * 4;  // O and LSE
              cta.writes.push_back({3, kv_block * wide + c, partial});
              max_partial = std::max(max_partial, partial);
            }
            if (c == 0) cta.writes.push_back({2, unit, o_write});
            k.ctas.push_back(std::move(cta));
          }
          ++unit;
        }
        max_q = std::max(max_q, q_read);
        max_o = std::max(max_o, o_write);
        max_kv = std::max(max_kv, kv_read);
      }
      ++kv_block;
    }
  }
  // Causal blocks differ in work: launch the longest first (as flash attention schedules them)
  // so the last wave is not one long block.
  std::stable_sort(k.ctas.begin(), k.ctas.end(),
                   [](const GpuCta& x, const GpuCta& y) { return x.tensor_macs > y.tensor_macs; });
  // New keys and values appended to the cache, when the cost puts them here.
  if (cost.kv_write_bytes > 0 && !k.ctas.empty()) {
    const std::uint64_t share = gpu_share(cost.kv_write_bytes, 1, k.ctas.size());
    for (std::size_t i = 0; i < k.ctas.size(); ++i)
      k.ctas[i].writes.push_back({4, i * share, share});
    k.operands.resize(5);
    k.operands[4] = {"kv_new", share * k.ctas.size(), 0};
  } else {
    k.operands.resize(4);
  }
  // Output offsets were unit indices: scale them to bytes.
  for (auto& cta : k.ctas)
    for (auto& w : cta.writes)
      w.offset *= w.operand == 2 ? max_o : (w.operand == 3 ? max_partial : 1);
  k.operands[0] = {"q", max_q * unit, max_q};
  k.operands[1] = {"kv", max_kv * kv_block * wide, max_kv};
  k.operands[2] = {"o", max_o * unit, max_o};
  k.operands[3] = {"partials", max_partial * kv_block * wide, 0};
  const auto elt = static_cast<std::uint64_t>(dtype_bits(a.kv_dtype));
  // Q tile plus kKvStages K and V steps; a head too wide for that uses smaller blocks (capped).
  const std::uint64_t smem =
      (std::min<std::uint64_t>(max_rows, kBlockQ) * d + kKvStages * kBlockKv * cache) * elt / 8;
  k.smem_bytes_per_cta = std::min(static_cast<std::int64_t>(smem), cfg.sm.shared_memory_bytes);
  return k;
}

}  // namespace maia
