#include "maia/workload/operator.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/work_limits.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {
namespace {

// Inputs of `elements` values each that a vector function reads.
std::uint64_t vector_arity(const std::string& function) {
  if (function == "fma") return 3;
  if (function == "add" || function == "mul" || function == "max" || function == "swiglu") return 2;
  return 1;
}

// Sum of (p + 1) for p in [lo, hi).
std::int64_t sum_positions(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return 0;
  return (hi - lo) * (lo + 1 + hi) / 2;
}

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

}  // namespace

OpCost& OpCost::operator+=(const OpCost& o) {
  flops += o.flops;
  weight_bytes += o.weight_bytes;
  activation_read_bytes += o.activation_read_bytes;
  activation_write_bytes += o.activation_write_bytes;
  kv_read_bytes += o.kv_read_bytes;
  kv_write_bytes += o.kv_write_bytes;
  network_bytes += o.network_bytes;
  return *this;
}

std::string_view engine_class_name(EngineClass e) {
  switch (e) {
    case EngineClass::kTtu:
      return "ttu";
    case EngineClass::kTvp:
      return "tvp";
    case EngineClass::kTtuTvp:
      return "ttu+tvp";
    case EngineClass::kNic:
      return "nic";
  }
  return "?";
}

std::string_view collective_kind_name(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::kAllReduce:
      return "all_reduce";
    case CollectiveKind::kAllGather:
      return "all_gather";
    case CollectiveKind::kAllToAll:
      return "all_to_all";
  }
  return "?";
}

std::string_view Operator::kind() const {
  if (std::holds_alternative<GemmShape>(shape)) return "gemm";
  if (std::holds_alternative<AttentionShape>(shape)) return "attention";
  if (std::holds_alternative<CollectiveShape>(shape)) return "collective";
  return "vector";
}

EngineClass Operator::engine() const {
  if (std::holds_alternative<GemmShape>(shape)) return EngineClass::kTtu;
  if (std::holds_alternative<AttentionShape>(shape)) return EngineClass::kTtuTvp;
  if (std::holds_alternative<CollectiveShape>(shape)) return EngineClass::kNic;
  return EngineClass::kTvp;
}

std::int64_t attention_pairs(const AttentionSequence& s, std::int64_t window) {
  // Query i sits at position p = kv - q + i and sees keys max(0, p - W + 1) .. p.
  const std::int64_t lo = s.kv_tokens - s.q_tokens, hi = s.kv_tokens;
  if (window <= 0) return sum_positions(lo, hi);
  const std::int64_t split = std::clamp(window, lo, hi);  // positions below see p + 1 keys
  return sum_positions(lo, split) + (hi - split) * window;
}

std::int64_t attention_kv_span(const AttentionSequence& s, std::int64_t window) {
  if (s.q_tokens <= 0) return 0;
  if (window <= 0) return s.kv_tokens;
  const std::int64_t first_query = s.kv_tokens - s.q_tokens;
  return s.kv_tokens - std::max<std::int64_t>(0, first_query - window + 1);
}

void check_operator_scale(const OpShape& shape, const std::string& where) {
  const auto refuse = [&](const std::string& what) {
    throw InputError(fmt::format("{}: {} (the simulator's limit per operator)", where, what));
  };
  const auto ceil_div = [](std::int64_t a, long double b) {
    return std::ceil(static_cast<long double>(a) / b);
  };
  if (const auto* g = std::get_if<GemmShape>(&shape)) {
    const long double macs = static_cast<long double>(g->m) * g->n * g->k;
    const long double blocks = ceil_div(g->m, 32) * ceil_div(g->n, 32) * ceil_div(g->k, 256);
    if (macs > kMaxGemmMacs)
      refuse(fmt::format("GEMM {}x{}x{} is {:.3g} multiply-adds, more than {:.3g}", g->m, g->n,
                         g->k, static_cast<double>(macs), static_cast<double>(kMaxGemmMacs)));
    if (blocks > kMaxGemmBlocks)
      refuse(fmt::format("GEMM {}x{}x{} is {:.3g} blocks of 32x32x256, more than {:.3g}", g->m,
                         g->n, g->k, static_cast<double>(blocks),
                         static_cast<double>(kMaxGemmBlocks)));
  } else if (const auto* a = std::get_if<AttentionShape>(&shape)) {
    if (static_cast<std::int64_t>(a->sequences.size()) > kMaxAttentionSequences)
      refuse(fmt::format("attention over {} sequences, more than {}", a->sequences.size(),
                         kMaxAttentionSequences));
    long double pairs = 0, keys = 0;  // query-key pairs (at most q x kv), keys read
    for (const auto& q : a->sequences) {
      pairs += static_cast<long double>(q.q_tokens) * static_cast<long double>(q.kv_tokens);
      keys += static_cast<long double>(q.kv_tokens) * a->kv_heads;
    }
    const long double macs = pairs * a->heads * (a->head_dim + a->value_dim());
    if (macs > kMaxAttentionMacs)
      refuse(fmt::format("attention of {:.3g} multiply-adds, more than {:.3g}",
                         static_cast<double>(macs), static_cast<double>(kMaxAttentionMacs)));
    if (keys > kMaxAttentionKeyReads)
      refuse(
          fmt::format("attention reading {:.3g} keys (summed over sequences and KV heads), "
                      "more than {:.3g}",
                      static_cast<double>(keys), static_cast<double>(kMaxAttentionKeyReads)));
  } else if (const auto* v = std::get_if<VectorShape>(&shape)) {
    if (v->elements > kMaxVectorElements)
      refuse(fmt::format("vector operator of {} elements, more than {}", v->elements,
                         kMaxVectorElements));
  } else if (const auto* c = std::get_if<CollectiveShape>(&shape)) {
    if (c->elements > kMaxVectorElements)
      refuse(
          fmt::format("collective of {} elements, more than {}", c->elements, kMaxVectorElements));
  }
}

OpCost generic_cost(const OpShape& shape) {
  OpCost c;
  if (const auto* g = std::get_if<GemmShape>(&shape)) {
    c.flops = 2 * u(g->m) * u(g->n) * u(g->k);
    c.weight_bytes = dtype_bytes(g->b_dtype, u(g->k) * u(g->n));
    c.activation_read_bytes = dtype_bytes(g->a_dtype, u(g->m) * u(g->k));
    c.activation_write_bytes = dtype_bytes(g->out_dtype, u(g->m) * u(g->n));
  } else if (const auto* a = std::get_if<AttentionShape>(&shape)) {
    // QK^T and PV: 2 * (head_dim + value_dim) FLOPs per (query, key) pair and head; softmax on
    // the TVP. K and V (or the one latent vector) of every key in the span are read once.
    const VectorFunction* softmax = find_vector_function("softmax");
    std::uint64_t pairs = 0, queries = 0;
    for (const auto& s : a->sequences) {
      pairs += u(attention_pairs(s, a->window));
      queries += u(s.q_tokens);
      const std::uint64_t keys = u(attention_kv_span(s, a->window) * a->kv_heads);
      c.kv_read_bytes += a->latent_kv ? dtype_bytes(a->kv_dtype, keys * u(a->cache_dim()))
                                      : dtype_bytes(a->kv_dtype, keys * u(a->head_dim)) +
                                            dtype_bytes(a->kv_dtype, keys * u(a->value_dim()));
    }
    c.flops = pairs * u(a->heads) * (2 * u(a->head_dim + a->value_dim())) +
              static_cast<std::uint64_t>(softmax->flops_per_element) * pairs * u(a->heads);
    c.activation_read_bytes = dtype_bytes(a->q_dtype, queries * u(a->heads * a->head_dim));
    c.activation_write_bytes = dtype_bytes(a->q_dtype, queries * u(a->heads * a->value_dim()));
    if (a->sinks) {
      c.flops += static_cast<std::uint64_t>(softmax->flops_per_element) * queries * u(a->heads);
      c.weight_bytes += dtype_bytes(DType::kBf16, u(a->heads));
    }
  } else if (const auto* col = std::get_if<CollectiveShape>(&shape)) {
    c = collective_cost(*col);
  } else {
    const auto& v = std::get<VectorShape>(shape);
    const VectorFunction* f = find_vector_function(v.function);
    if (f)
      c.flops = static_cast<std::uint64_t>(f->flops_per_element * static_cast<double>(v.elements));
    c.activation_read_bytes = vector_arity(v.function) * dtype_bytes(v.dtype, u(v.elements));
    c.activation_write_bytes = dtype_bytes(v.dtype, u(v.elements));
  }
  return c;
}

std::string op_signature(const std::string& name, const OpShape& shape) {
  // Experts of equal load cost the same: drop the "expert<i>." prefix.
  std::string role = name;
  if (role.starts_with("expert")) {
    const auto dot = role.find('.');
    if (dot != std::string::npos) role = role.substr(dot + 1);
  }
  if (const auto* g = std::get_if<GemmShape>(&shape))
    return fmt::format("{} gemm m={} n={} k={} {}x{}->{}", role, g->m, g->n, g->k,
                       dtype_name(g->a_dtype), dtype_name(g->b_dtype), dtype_name(g->out_dtype));
  if (const auto* a = std::get_if<AttentionShape>(&shape)) {
    // Runs of equal sequences are written once with a count: "1:4097x64".
    std::string seqs;
    for (std::size_t i = 0; i < a->sequences.size();) {
      std::size_t j = i;
      while (j < a->sequences.size() && a->sequences[j] == a->sequences[i]) ++j;
      seqs += fmt::format("{}{}:{}", seqs.empty() ? "" : ",", a->sequences[i].q_tokens,
                          a->sequences[i].kv_tokens);
      if (j - i > 1) seqs += fmt::format("x{}", j - i);
      i = j;
    }
    // Value width, latent form and sinks only when they differ from the classic layout, so the
    // signatures (and the measurement caches keyed by them) of existing models do not change.
    std::string dims = fmt::format("d={}", a->head_dim);
    if (a->v_head_dim > 0 && a->v_head_dim != a->head_dim)
      dims += fmt::format(" dv={}", a->v_head_dim);
    if (a->latent_kv) dims += " latent";
    return fmt::format("{} attention h={} kvh={} {} w={}{} q={} kv={} seqs=[{}]", role, a->heads,
                       a->kv_heads, dims, a->window, a->sinks ? " sinks" : "",
                       dtype_name(a->q_dtype), dtype_name(a->kv_dtype), seqs);
  }
  if (const auto* c = std::get_if<CollectiveShape>(&shape))
    return fmt::format("{} collective {} elements={} ranks={} {}", role,
                       collective_kind_name(c->kind), c->elements, c->ranks, dtype_name(c->dtype));
  const auto& v = std::get<VectorShape>(shape);
  return fmt::format("{} {} elements={} rows={} {}", role, v.function, v.elements, v.rows,
                     dtype_name(v.dtype));
}

OpCost collective_cost(const CollectiveShape& c) {
  OpCost cost;
  if (c.ranks < 2 || c.elements <= 0) return cost;
  const std::uint64_t n = u(c.ranks);
  const std::uint64_t shard = dtype_bytes(c.dtype, u(c.elements) / n);
  const std::uint64_t peers = (n - 1) * shard;  // to (or from) the other ranks, one shard each
  if (c.kind == CollectiveKind::kAllToAll) {
    // Every rank's share of the buffer but its own leaves; as much arrives. Exact in bytes even
    // when the elements do not divide by the ranks.
    const std::uint64_t out = dtype_bytes(c.dtype, u(c.elements)) * (n - 1) / n;
    cost.activation_read_bytes = out;
    cost.activation_write_bytes = out;
    cost.network_bytes = out;
    return cost;
  }
  if (c.kind == CollectiveKind::kAllGather) {
    cost.activation_read_bytes = peers;
    cost.activation_write_bytes = peers;
    cost.network_bytes = peers;
    return cost;
  }
  // Reduce-scatter: send N - 1 shards, receive N - 1; the TVP sums N shards into one. All-gather:
  // send the reduced shard to N - 1 peers, receive theirs.
  cost.flops = (n - 1) * (u(c.elements) / n);
  cost.activation_read_bytes = peers + n * shard + peers;
  cost.activation_write_bytes = peers + shard + peers;
  cost.network_bytes = 2 * peers;
  return cost;
}

}  // namespace maia
