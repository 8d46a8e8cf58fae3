#include "maia/workload/operator_graph.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {
namespace {

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

class GraphBuilder {
 public:
  GraphBuilder(const ModelConfig& m, const Quantization& q, const std::vector<Sequence>& batch,
               const MoeRouting& routing)
      : m_(m), q_(q), batch_(batch), routing_(routing) {}

  OperatorGraph build() {
    tokens_ = total_new_tokens(batch_);
    const std::int64_t emitting = emitting_sequences(batch_);
    g_.name = fmt::format("{} ({}) {} sequences, {} new tokens, {} emitting", m_.name,
                          quantization_text(q_), batch_.size(), tokens_, emitting);
    const std::int64_t h = m_.hidden_size;

    // A pipeline stage after the first starts from the activations the previous stage sent
    // (already in its HBM: no operator, x = -1 adds no dependency).
    int x = -1;
    if (m_.has_embedding()) {
      Operator& emb = add_op("embedding", -1, VectorShape{"copy", tokens_ * h, tokens_, act()}, {});
      // A gather of one embedding row per token: table rows are read, nothing else.
      emb.cost.weight_bytes = u(tokens_) * dtype_bytes(q_.weights, u(h));
      emb.cost.activation_read_bytes = 0;
      x = last();
      if (m_.positions == PositionKind::kLearned) {
        // Each token's row of the learned position table (gathered) added to its embedding.
        Operator& pos =
            add_op("position_embedding", -1, VectorShape{"add", tokens_ * h, tokens_, act()}, {x});
        pos.cost.weight_bytes = u(tokens_) * dtype_bytes(q_.weights, u(h));
        pos.cost.activation_read_bytes = dtype_bytes(act(), u(tokens_ * h));
        x = last();
      }
    }
    for (auto layer = static_cast<int>(m_.first_layer()); layer < m_.end_layer(); ++layer)
      x = add_layer(layer, x);
    if (!m_.has_head()) return std::move(g_);  // the stage's output goes to the next stage

    const int norm = add_norm("final_norm", -1, x);
    if (emitting > 0) {
      // Only the last token of each emitting sequence goes through the LM head. Under tensor
      // parallelism each chip computes its vocabulary shard and the logits are all-gathered, so
      // that every chip samples the same token.
      add_gemm("lm_head", -1, emitting, m_.vocab_per_chip(), h, {norm}, false);
      if (tp() > 1)
        add_collective("logits_all_gather", -1, CollectiveKind::kAllGather,
                       emitting * m_.vocab_per_chip() * tp(), last());
      Operator& s =
          add_op("sampling", -1, VectorShape{"softmax", emitting * m_.vocab_size, emitting, act()},
                 {last()});
      s.cost.activation_write_bytes = 4 * u(emitting);  // one int32 token id per sequence
    }
    return std::move(g_);
  }

 private:
  DType act() const { return q_.activations; }
  std::int64_t tp() const { return m_.tensor_parallel; }
  int last() const { return static_cast<int>(g_.ops.size()) - 1; }

  Operator& add_op(std::string name, int layer, OpShape shape, std::vector<int> deps) {
    Operator op;
    op.name = std::move(name);
    op.layer = layer;
    op.shape = std::move(shape);
    // -1: the stage's input (a pipeline stage's received activations), no operator.
    std::erase_if(deps, [](int d) { return d < 0; });
    op.deps = std::move(deps);
    op.cost = generic_cost(op.shape);
    op.signature = op_signature(op.name, op.shape);
    g_.ops.push_back(std::move(op));
    return g_.ops.back();
  }

  // A weight GEMM of m tokens; a bias (BF16) adds n weights and m * n FLOPs.
  // `weights`: the matrix's datatype (the experts' may differ from the others').
  int add_gemm(std::string name, int layer, std::int64_t m, std::int64_t n, std::int64_t k,
               std::vector<int> deps, bool bias) {
    return add_gemm(std::move(name), layer, m, n, k, std::move(deps), bias, q_.weights);
  }
  int add_gemm(std::string name, int layer, std::int64_t m, std::int64_t n, std::int64_t k,
               std::vector<int> deps, bool bias, DType weights) {
    Operator& op = add_op(std::move(name), layer, GemmShape{m, n, k, act(), weights, act()}, deps);
    if (bias) {
      op.cost.weight_bytes += dtype_bytes(DType::kBf16, u(n));
      op.cost.flops += u(m) * u(n);
    }
    return last();
  }

  // RMSNorm (weight) or LayerNorm (weight and bias) of every token's hidden vector.
  int add_norm(std::string name, int layer, int input) {
    const bool layer_norm = m_.norm == NormKind::kLayerNorm;
    Operator& op = add_op(
        std::move(name), layer,
        VectorShape{layer_norm ? "layernorm" : "rmsnorm", tokens_ * m_.hidden_size, tokens_, act()},
        {input});
    op.cost.weight_bytes = u(m_.norm_vectors()) * dtype_bytes(DType::kBf16, u(m_.hidden_size));
    return last();
  }

  // A collective over the tensor-parallel group, in the activation datatype.
  int add_collective(std::string name, int layer, CollectiveKind kind, std::int64_t elements,
                     int input) {
    return add_collective(std::move(name), layer, kind, elements, tp(), {input});
  }
  int add_collective(std::string name, int layer, CollectiveKind kind, std::int64_t elements,
                     std::int64_t ranks, std::vector<int> deps) {
    add_op(std::move(name), layer, CollectiveShape{kind, elements, ranks, act()}, std::move(deps));
    return last();
  }

  // The partial sums of a row-parallel GEMM (o_proj, down) summed over the group; unchanged
  // with one chip.
  int all_reduce(std::string name, int layer, int input) {
    if (tp() == 1) return input;
    return add_collective(std::move(name), layer, CollectiveKind::kAllReduce,
                          tokens_ * m_.hidden_size, input);
  }

  int add_residual(std::string name, int layer, int a, int b) {
    add_op(std::move(name), layer, VectorShape{"add", tokens_ * m_.hidden_size, tokens_, act()},
           {a, b});
    return last();
  }

  // One decoder layer on one chip of the tensor-parallel group (heads, KV heads and intermediate
  // columns are the chip's share; with one chip, the whole layer).
  int add_layer(int layer, int input) {
    const int norm = add_norm("attn_norm", layer, input);
    const int o = m_.is_mla() ? add_mla(layer, norm) : add_attention(layer, norm);
    const int res1 =
        add_residual("attn_residual", layer, input, all_reduce("attn_all_reduce", layer, o));

    const int norm2 = add_norm("mlp_norm", layer, res1);
    const int mlp = m_.is_moe_layer(layer) ? add_moe(layer, norm2)
                                           : add_mlp("", layer, tokens_, m_.intermediate_per_chip(),
                                                     {norm2}, q_.weights);
    return add_residual("mlp_residual", layer, res1, all_reduce("mlp_all_reduce", layer, mlp));
  }

  // QKV projection, RoPE (or the K/V store of learned positions), attention and the O
  // projection; returns the O projection.
  int add_attention(int layer, int norm) {
    const std::int64_t t = tokens_, d = m_.head_dim;
    const std::int64_t heads = m_.heads_per_chip(), kv_heads = m_.kv_heads_per_chip();
    const std::int64_t q_dim = m_.q_dim_per_chip(), kv_dim = m_.kv_dim_per_chip();
    const int qkv =
        add_gemm("qkv_proj", layer, t, q_dim + 2 * kv_dim, m_.hidden_size, {norm}, m_.qkv_bias);

    std::vector<int> attn_deps;
    if (m_.positions == PositionKind::kRope) {
      // RoPE rotates Q and K, writes Q for attention and K, V into the KV cache.
      Operator& rope =
          add_op("rope", layer, VectorShape{"rope", t * (heads + kv_heads) * d, t, act()}, {qkv});
      rope.cost.activation_read_bytes = dtype_bytes(act(), u(t * (q_dim + 2 * kv_dim)));
      rope.cost.activation_write_bytes = dtype_bytes(act(), u(t * q_dim));
      rope.cost.kv_write_bytes = 2 * dtype_bytes(q_.kv_cache, u(t * kv_dim));
      attn_deps = {last()};
    } else {
      // Positions were added to the embedding: K and V are copied (converted to the KV datatype)
      // into the KV cache; attention reads Q from the projection's output.
      Operator& store =
          add_op("kv_store", layer, VectorShape{"copy", t * 2 * kv_dim, t, act()}, {qkv});
      store.cost.activation_write_bytes = 0;
      store.cost.kv_write_bytes = 2 * dtype_bytes(q_.kv_cache, u(t * kv_dim));
      attn_deps = {qkv, last()};
    }

    AttentionShape attn;
    for (const auto& s : batch_)
      if (s.new_tokens > 0)
        attn.sequences.push_back({s.new_tokens, s.cached_tokens + s.new_tokens});
    attn.heads = heads;
    attn.kv_heads = kv_heads;
    attn.head_dim = d;
    attn.window = m_.layer_window(layer);
    attn.sinks = m_.attention_sinks;
    attn.q_dtype = act();
    attn.kv_dtype = q_.kv_cache;
    add_op("attention", layer, std::move(attn), std::move(attn_deps));
    return add_gemm("o_proj", layer, t, m_.hidden_size, q_dim, {last()}, m_.o_bias);
  }

  // Multi-head latent attention on the chip's heads. One GEMM projects the normed input to the Q
  // latent (or directly to the queries without a Q bottleneck) and to the KV latent with the
  // shared rotary key; both latents are normed; Q is expanded per head; RoPE rotates the rotary
  // slices and the latent and rotary key go to the cache. Prefill-sized sequences then
  // decompress their context's latents into per-head keys and values (kv_b_proj) and run
  // ordinary attention; decode-sized ones (kMlaAbsorbedMaxQueries) fold the key expansion into
  // the queries (q_absorb), attend over the cached latents as one shared 'KV head' and expand
  // the latent output per head (v_absorb). The O projection takes both.
  int add_mla(int layer, int norm) {
    const MlaDims& a = m_.mla;
    const std::int64_t t = tokens_, h = m_.hidden_size, heads = m_.heads_per_chip();
    const std::int64_t q_width = a.q_lora_rank > 0 ? a.q_lora_rank : heads * a.qk_head_dim();
    const int down = add_gemm("qkv_a_proj", layer, t, q_width + a.cache_dim(), h, {norm}, false);
    Operator& ln =
        add_op("latent_norm", layer,
               VectorShape{"rmsnorm", t * (a.q_lora_rank + a.kv_lora_rank), t, act()}, {down});
    ln.cost.weight_bytes = dtype_bytes(DType::kBf16, u(a.q_lora_rank + a.kv_lora_rank));
    int q = last();
    if (a.q_lora_rank > 0)
      q = add_gemm("q_b_proj", layer, t, heads * a.qk_head_dim(), a.q_lora_rank, {q}, false);
    Operator& rope = add_op(
        "rope", layer, VectorShape{"rope", t * (heads + 1) * a.qk_rope_head_dim, t, act()}, {q});
    rope.cost.activation_read_bytes =
        dtype_bytes(act(), u(t * (heads * a.qk_head_dim() + a.cache_dim())));
    rope.cost.activation_write_bytes = dtype_bytes(act(), u(t * heads * a.qk_head_dim()));
    rope.cost.kv_write_bytes = dtype_bytes(q_.kv_cache, u(t * a.cache_dim()));
    const int roped = last();

    AttentionShape prefill, decode;
    std::int64_t context = 0, decode_tokens = 0;
    for (const auto& s : batch_) {
      if (s.new_tokens <= 0) continue;
      const AttentionSequence seq{s.new_tokens, s.cached_tokens + s.new_tokens};
      if (s.new_tokens > kMlaAbsorbedMaxQueries) {
        prefill.sequences.push_back(seq);
        context += seq.kv_tokens;
      } else {
        decode.sequences.push_back(seq);
        decode_tokens += s.new_tokens;
      }
    }
    std::vector<int> outputs;
    if (!prefill.sequences.empty()) {
      // The cached latents (this iteration's included) of the prefill sequences, expanded to
      // per-head non-rotary keys and values: read from the cache, written as activations.
      const int up =
          add_gemm("kv_b_proj", layer, context, heads * (a.qk_nope_head_dim + a.v_head_dim),
                   a.kv_lora_rank, {roped}, false);
      Operator& kvb = g_.ops[static_cast<std::size_t>(up)];
      kvb.cost.activation_read_bytes = 0;
      kvb.cost.kv_read_bytes = dtype_bytes(q_.kv_cache, u(context * a.cache_dim()));
      prefill.heads = prefill.kv_heads = heads;
      prefill.head_dim = a.qk_head_dim();
      prefill.v_head_dim = a.v_head_dim;
      prefill.q_dtype = prefill.kv_dtype = act();
      Operator& at = add_op("attention", layer, std::move(prefill), {roped, up});
      // Its keys and values are the expansion just written, not the cache.
      at.cost.activation_read_bytes += at.cost.kv_read_bytes;
      at.cost.kv_read_bytes = 0;
      outputs.push_back(last());
    }
    if (!decode.sequences.empty()) {
      // Per head, q_nope (qk_nope_head_dim) times that head's key expansion (kv_lora_rank x
      // qk_nope_head_dim): written as one GEMM with the same multiply-adds and weights.
      const int qa = add_gemm("q_absorb", layer, decode_tokens, heads * a.kv_lora_rank,
                              a.qk_nope_head_dim, {roped}, false);
      decode.heads = heads;
      decode.kv_heads = 1;
      decode.head_dim = a.cache_dim();
      decode.v_head_dim = a.kv_lora_rank;
      decode.latent_kv = true;
      decode.q_dtype = act();
      decode.kv_dtype = q_.kv_cache;
      add_op("attention_latent", layer, std::move(decode), {qa});
      outputs.push_back(add_gemm("v_absorb", layer, decode_tokens, heads * a.v_head_dim,
                                 a.kv_lora_rank, {last()}, false));
    }
    return add_gemm("o_proj", layer, t, h, heads * a.v_head_dim, outputs, false);
  }

  // gate and up GEMMs, SwiGLU, down GEMM for `t` tokens of an MLP `i` wide on this chip (or up,
  // GELU, down for a GELU MLP); returns the down GEMM.
  // `w`: the matrices' datatype (the experts' for a routed or shared expert).
  int add_mlp(const std::string& prefix, int layer, std::int64_t t, std::int64_t i,
              std::vector<int> deps, DType w) {
    const std::int64_t h = m_.hidden_size;
    const bool b = m_.mlp_bias;
    if (m_.mlp == MlpKind::kGelu) {
      const int up = add_gemm(prefix + "up", layer, t, i, h, deps, b, w);
      add_op(prefix + "gelu", layer, VectorShape{"gelu", t * i, t, act()}, {up});
      return add_gemm(prefix + "down", layer, t, h, i, {last()}, b, w);
    }
    const int gate = add_gemm(prefix + "gate", layer, t, i, h, deps, b, w);
    const int up = add_gemm(prefix + "up", layer, t, i, h, deps, b, w);
    add_op(prefix + "swiglu", layer, VectorShape{"swiglu", t * i, t, act()}, {gate, up});
    return add_gemm(prefix + "down", layer, t, h, i, {last()}, b, w);
  }

  int add_moe(int layer, int norm) {
    const std::int64_t t = tokens_, e = m_.num_experts, k = m_.experts_per_token;
    const int router = add_gemm("router", layer, t, e, m_.hidden_size, {norm}, m_.router_bias);
    Operator& topk = add_op("router_topk", layer, VectorShape{"topk", t * e, t, act()}, {router});
    // Output: k routing weights and k int32 expert indices per token.
    topk.cost.activation_write_bytes = dtype_bytes(act(), u(t * k)) + 4 * u(t * k);
    const int topk_i = last();

    // The routed experts this chip holds and their token loads. With expert parallelism the
    // router's choices are drawn for the whole group's tokens (t on each of the ep chips) and
    // the chip simulated is the busiest one (the most routed tokens; the first of equals): it
    // sets the group's pace. Its tokens arrive by an all-to-all over the ep group (dispatch)
    // and go back by another (combine), each moving max(t k, its load) hidden vectors.
    const std::int64_t ep = m_.expert_parallel, per_chip = m_.experts_per_chip();
    const std::vector<std::int64_t> loads =
        expert_loads(routing_, t * ep, e, k, layer, m_.expert_groups, m_.groups_per_token);
    std::int64_t first = 0, busiest = -1;
    for (std::int64_t c = 0; c < ep; ++c) {
      std::int64_t load = 0;
      for (std::int64_t x = c * per_chip; x < (c + 1) * per_chip; ++x) load += loads[x];
      if (load > busiest) {
        busiest = load;
        first = c * per_chip;
      }
    }
    std::vector<int> expert_deps = {norm, topk_i};
    const std::int64_t exchanged = std::max(t * k, busiest) * m_.hidden_size;
    if (ep > 1)
      expert_deps = {add_collective("expert_dispatch", layer, CollectiveKind::kAllToAll, exchanged,
                                    ep, {norm, topk_i})};
    std::vector<int> downs;
    const std::int64_t width = m_.expert_intermediate_per_chip();
    for (std::int64_t x = first; x < first + per_chip; ++x)
      if (loads[x] > 0)
        downs.push_back(add_mlp(fmt::format("expert{}.", x), layer, loads[x], width, expert_deps,
                                q_.expert_weights()));
    if (ep > 1)
      downs = {add_collective("expert_combine", layer, CollectiveKind::kAllToAll, exchanged, ep,
                              downs.empty() ? expert_deps : downs)};
    // Shared experts: every token, one MLP as wide as all of them together.
    if (m_.shared_experts > 0)
      downs.push_back(add_mlp("shared_expert.", layer, t, m_.shared_experts * width, {norm},
                              q_.expert_weights()));

    // Weighted sum of each token's k expert outputs (plus the shared output).
    const std::int64_t parts = k + (m_.shared_experts > 0 ? 1 : 0);
    downs.push_back(topk_i);
    Operator& combine = add_op("moe_combine", layer,
                               VectorShape{"fma", t * parts * m_.hidden_size, t, act()}, downs);
    combine.cost.activation_read_bytes =
        dtype_bytes(act(), u(t * parts * m_.hidden_size)) + dtype_bytes(act(), u(t * k));
    combine.cost.activation_write_bytes = dtype_bytes(act(), u(t * m_.hidden_size));
    return last();
  }

  const ModelConfig& m_;
  const Quantization& q_;
  const std::vector<Sequence>& batch_;
  const MoeRouting& routing_;
  std::int64_t tokens_ = 0;
  OperatorGraph g_;
};

}  // namespace

OpCost OperatorGraph::total() const {
  OpCost c;
  for (const auto& op : ops) c += op.cost;
  return c;
}

std::string OperatorGraph::layer_signature(int layer) const {
  std::string s;
  for (const auto& op : ops)
    if (op.layer == layer) s += op.signature + ";";
  return s;
}

OperatorGraph build_iteration_graph(const ModelConfig& model, const Quantization& quant,
                                    const std::vector<Sequence>& batch, const MoeRouting& routing) {
  validate_batch(batch);
  if (total_new_tokens(batch) == 0)
    throw InputError("batch: no sequence has new tokens, the iteration would do nothing");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::int64_t len = batch[i].cached_tokens + batch[i].new_tokens;
    if (len > model.max_position_embeddings)
      throw InputError(
          fmt::format("batch: sequence {}: {} tokens exceed {}'s max_position_embeddings ({})", i,
                      len, model.name, model.max_position_embeddings));
  }
  return GraphBuilder(model, quant, batch, routing).build();
}

void validate_graph(const OperatorGraph& g, const std::string& where) {
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const Operator& op = g.ops[i];
    for (int d : op.deps)
      if (d < 0 || static_cast<std::size_t>(d) >= i)
        throw InputError(
            fmt::format("{}: operator {} ({}): dependency {} must name an earlier "
                        "operator (0..{})",
                        where, i, op.name, d, static_cast<int>(i) - 1));
    if (const auto* v = std::get_if<VectorShape>(&op.shape);
        v && !find_vector_function(v->function))
      throw InputError(fmt::format("{}: operator {} ({}): unknown TVP function '{}'", where, i,
                                   op.name, v->function));
  }
}

}  // namespace maia
