// DeepSeek-V3 (multi-head latent attention and shared-expert MoE): the config fields and their
// errors, parameter counts against a closed form written here and the published totals, the
// latent KV cache per token, the MLA operators (decompressed prefill, absorbed decode) against
// arithmetic from the dimensions, group-limited routing, per-chip shapes under tensor
// parallelism, and the latent attention kernel reading the cache once.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <systemc>

#include "graph_checks.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/kernels/collective_kernel.hpp"
#include "maia/program/vector_functions.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/moe_routing.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/parameters.hpp"
#include "maia/workload/tensor_parallel.hpp"
#include "workload_rig.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
using test::chip;
using test::find_op;
using test::input_error;
using test::kFp8;

const std::string kModels = test::kSource + "/configs/models";

// DeepSeek-V3's dimensions (the oracle's own copy, from the published config.json).
constexpr std::int64_t kL = 61, kDense = 3, kH = 7168, kI = 18432, kMoeI = 2048, kE = 256, kK = 8,
                       kHeads = 128, kQl = 1536, kKvl = 512, kNope = 128, kRope = 64, kDv = 128,
                       kV = 129280;

ModelConfig v3() { return load_model("deepseek-v3", kModels); }
Json v3_json() { return JsonReader::parse_file(kModels + "/deepseek-v3.json"); }
std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }
std::string parse_error(const Json& doc) {
  return input_error([&] { parse_model_config(doc, "d.json", "d"); });
}

TEST(WorkloadDeepSeek, FieldsMapOntoTheModel) {
  const ModelConfig m = v3();
  EXPECT_EQ(m.model_type, "deepseek_v3");
  EXPECT_TRUE(m.is_mla());
  EXPECT_EQ(m.mla.q_lora_rank, kQl);
  EXPECT_EQ(m.mla.kv_lora_rank, kKvl);
  EXPECT_EQ(m.mla.cache_dim(), kKvl + kRope);
  EXPECT_EQ(m.head_dim, kNope + kRope);
  EXPECT_EQ(m.num_experts, kE);
  EXPECT_EQ(m.experts_per_token, kK);
  EXPECT_EQ(m.moe_intermediate_size, kMoeI);
  EXPECT_EQ(m.shared_experts, 1);
  EXPECT_EQ(m.first_dense_layers, kDense);
  EXPECT_EQ(m.expert_groups, 8);
  EXPECT_EQ(m.groups_per_token, 4);
  EXPECT_TRUE(m.router_bias);  // topk_method noaux_tc
  EXPECT_EQ(m.mtp_layers, 1);
  EXPECT_FALSE(m.is_moe_layer(kDense - 1));
  EXPECT_TRUE(m.is_moe_layer(kDense));
}

TEST(WorkloadDeepSeek, ContradictionsAreNamedErrors) {
  Json doc = v3_json();
  doc["n_group"] = 7;
  std::string e = parse_error(doc);
  EXPECT_NE(e.find("d.json: n_group: must divide n_routed_experts (256), got 7"), std::string::npos)
      << e;
  doc = v3_json();
  doc["head_dim"] = 32;  // neither the rotary slice (64) nor the whole head (192)
  e = parse_error(doc);
  EXPECT_NE(e.find("d.json: head_dim: contradicts the MLA dimensions"), std::string::npos) << e;
  doc = v3_json();
  doc["qk_rope_head_dim"] = 63;
  EXPECT_NE(parse_error(doc).find("qk_rope_head_dim: rotary dimensions come in pairs"),
            std::string::npos);
  doc = v3_json();
  doc["num_key_value_heads"] = 8;
  EXPECT_NE(parse_error(doc).find("num_key_value_heads: multi-head latent attention"),
            std::string::npos);
  doc = v3_json();
  doc["topk_group"] = 1;  // 8 experts cannot come from one group of 32... they can: 32 >= 8
  EXPECT_NO_THROW(parse_model_config(doc, "d.json", "d"));
  doc["num_experts_per_tok"] = 40;  // but not 40
  EXPECT_NE(parse_error(doc).find("num_experts_per_tok: 40 experts per token cannot come from"),
            std::string::npos);
  doc = v3_json();
  doc["attention_bias"] = true;
  EXPECT_NE(parse_error(doc).find("attention_bias: biases on the MLA projections"),
            std::string::npos);
  doc = v3_json();
  doc["some_new_field"] = 1;
  EXPECT_NE(parse_error(doc).find("d.json: some_new_field: unknown key"), std::string::npos);
  // MLA fields outside the DeepSeek family stay refused, naming the field.
  Json llama = JsonReader::parse_file(kModels + "/llama-3.1-8b.json");
  llama["kv_lora_rank"] = 512;
  EXPECT_NE(parse_error(llama).find("kv_lora_rank: multi-head latent attention (MLA) is "
                                    "supported for model_type deepseek_v3"),
            std::string::npos);
}

// Per layer, MLA: q_a (H x Ql) + its norm, q_b (Ql x heads x 192), kv_a (H x 576) + its norm,
// kv_b (512 x heads x 256), o (heads x 128 x H). MLP: 3 matrices of H x width. Router H x E plus
// the E selection biases. Norms 2 per layer + the final one; untied embedding and LM head.
struct Closed {
  std::int64_t total, active;
};
Closed closed_form() {
  const std::int64_t attn = kH * kQl + kQl + kQl * kHeads * (kNope + kRope) + kH * (kKvl + kRope) +
                            kKvl + kKvl * kHeads * (kNope + kDv) + kHeads * kDv * kH;
  const std::int64_t expert = 3 * kH * kMoeI, dense = 3 * kH * kI, router = kE * kH + kE;
  const std::int64_t moe_layers = kL - kDense;
  const std::int64_t total = 2 * kV * kH + kL * attn + kDense * dense +
                             moe_layers * ((kE + 1) * expert + router) + (2 * kL + 1) * kH;
  return {total, total - moe_layers * (kE - kK) * expert};
}

TEST(WorkloadDeepSeek, ParametersMatchTheClosedFormAndThePublishedTotals) {
  const ParameterCount p = count_parameters(v3());
  const Closed c = closed_form();
  EXPECT_EQ(p.total, c.total);
  EXPECT_EQ(p.active, c.active);
  // DeepSeek-V3 technical report: 671 B total, 37 B activated per token (the main model; the
  // 14 B multi-token-prediction module is in neither figure). Total within 1%. Activated, like
  // the published figure, without the embedding table (a row gather, not computed with):
  // 36.63 B, inside the rounding of the two-digit "37 B" and 1.0% below it.
  EXPECT_NEAR(static_cast<double>(p.total), 671e9, 0.01 * 671e9);
  const auto activated = static_cast<double>(p.active - p.embedding);
  EXPECT_GE(activated, 36.5e9);
  EXPECT_LT(activated, 37.5e9);
  EXPECT_NEAR(activated, 37e9, 0.0102 * 37e9);
  // FP8 weights: matrices 1 byte, the latent norms, layer norms and router biases in BF16.
  const std::uint64_t vectors = u(kL * (kQl + kKvl) + (2 * kL + 1) * kH + (kL - kDense) * kE);
  EXPECT_EQ(model_weight_bytes(v3(), DType::kFp8), u(c.total) - vectors + 2 * vectors);
}

TEST(WorkloadDeepSeek, LatentKvCacheBytesPerToken) {
  // One latent (512) and one rotary key (64) per token and layer, whatever the head count; with
  // tensor parallelism every chip keeps the whole latent.
  const std::vector<Sequence> batch = {{1000, 24, true}, {0, 1, true}};
  const std::uint64_t tokens = 1000 + 24 + 1;
  EXPECT_EQ(kv_cache_bytes(v3(), DType::kFp8, batch), tokens * u(kL * (kKvl + kRope)));
  EXPECT_EQ(kv_cache_bytes(v3(), DType::kBf16, batch), 2 * tokens * u(kL * (kKvl + kRope)));
  ModelConfig tp4 = v3();
  apply_tensor_parallel(tp4, 4, tensor_parallel_limit(chip()));
  EXPECT_EQ(kv_cache_bytes(tp4, DType::kFp8, batch), tokens * u(kL * (kKvl + kRope)));
  // Against grouped-query attention with the same heads: 128 x (192 + 128) per token and layer.
  EXPECT_LT(kv_cache_bytes(v3(), DType::kFp8, batch) * 70, tokens * u(kL * kHeads * 320));
}

TEST(WorkloadDeepSeek, MlaOperatorsDecompressForPrefillAndAbsorbForDecode) {
  // One prefill chunk (24 new tokens after 1000 cached) and two decoding sequences.
  const std::vector<Sequence> batch = {{1000, 24, true}, {300, 1, true}, {4000, 1, true}};
  const std::int64_t t = 26, ctx = 1024, dec = 2;
  const OperatorGraph g = build_iteration_graph(v3(), kFp8, batch);
  validate_graph(g, "deepseek");
  const auto gemm = [&](const char* name, int layer) {
    return std::get<GemmShape>(find_op(g, name, layer).shape);
  };
  EXPECT_EQ(gemm("qkv_a_proj", 0).n, kQl + kKvl + kRope);
  EXPECT_EQ(gemm("qkv_a_proj", 0).m, t);
  EXPECT_EQ(gemm("q_b_proj", 0).n, kHeads * (kNope + kRope));
  EXPECT_EQ(gemm("q_b_proj", 0).k, kQl);
  // The latent of every new token goes to the cache (FP8: one byte per entry).
  EXPECT_EQ(find_op(g, "rope", 0).cost.kv_write_bytes, u(t * (kKvl + kRope)));

  // Prefill: the chunk's whole context decompressed, then ordinary attention over it.
  const Operator& kvb = find_op(g, "kv_b_proj", 0);
  EXPECT_EQ(std::get<GemmShape>(kvb.shape).m, ctx);
  EXPECT_EQ(std::get<GemmShape>(kvb.shape).n, kHeads * (kNope + kDv));
  EXPECT_EQ(kvb.cost.kv_read_bytes, u(ctx * (kKvl + kRope)));
  const Operator& pre = find_op(g, "attention", 0);
  const auto& ps = std::get<AttentionShape>(pre.shape);
  ASSERT_EQ(ps.sequences.size(), 1u);
  EXPECT_EQ(ps.head_dim, kNope + kRope);
  EXPECT_EQ(ps.value_dim(), kDv);
  EXPECT_EQ(pre.cost.kv_read_bytes, 0u);  // it reads the expansion, not the cache
  // Pairs: 24 queries at positions 1000..1023 see 1001..1024 keys.
  const std::uint64_t pre_pairs = 24 * 1001 + 24 * 23 / 2;
  const auto softmax =
      static_cast<std::uint64_t>(find_vector_function("softmax")->flops_per_element);
  EXPECT_EQ(pre.cost.flops,
            pre_pairs * u(kHeads) * 2 * u(kNope + kRope + kDv) + softmax * pre_pairs * u(kHeads));

  // Decode: q_nope absorbed into latent queries, attention over the cached latents (one shared
  // vector per token read once), the latent output expanded per head.
  EXPECT_EQ(gemm("q_absorb", 0).m, dec);
  EXPECT_EQ(gemm("q_absorb", 0).n, kHeads * kKvl);
  EXPECT_EQ(gemm("q_absorb", 0).k, kNope);
  const Operator& lat = find_op(g, "attention_latent", 0);
  const auto& ls = std::get<AttentionShape>(lat.shape);
  EXPECT_TRUE(ls.latent_kv);
  EXPECT_EQ(ls.kv_heads, 1);
  EXPECT_EQ(ls.heads, kHeads);
  EXPECT_EQ(ls.head_dim, kKvl + kRope);
  EXPECT_EQ(ls.value_dim(), kKvl);
  const std::uint64_t keys = 301 + 4001;
  EXPECT_EQ(lat.cost.kv_read_bytes, keys * u(kKvl + kRope));
  EXPECT_EQ(lat.cost.flops,
            keys * u(kHeads) * 2 * u(kKvl + kRope + kKvl) + softmax * keys * u(kHeads));
  EXPECT_EQ(gemm("v_absorb", 0).n, kHeads * kDv);
  EXPECT_EQ(gemm("v_absorb", 0).k, kKvl);
  EXPECT_EQ(gemm("o_proj", 0).k, kHeads * kDv);
  EXPECT_EQ(gemm("o_proj", 0).m, t);
  EXPECT_EQ(find_op(g, "o_proj", 0).deps.size(), 2u);  // both forms feed it
}

TEST(WorkloadDeepSeek, DenseLayersThenRoutedAndSharedExperts) {
  const std::vector<Sequence> batch(64, Sequence{500, 1, true});
  const OperatorGraph g = build_iteration_graph(v3(), kFp8, batch);
  std::set<std::string> layer0, layer3;
  std::int64_t routed_tokens = 0;
  for (const auto& op : g.ops) {
    if (op.layer == 0) layer0.insert(op.name);
    if (op.layer == kDense) layer3.insert(op.name);
    if (op.layer == kDense && op.name.starts_with("expert") && op.name.ends_with(".down"))
      routed_tokens += std::get<GemmShape>(op.shape).m;
  }
  EXPECT_TRUE(layer0.count("gate") && !layer0.count("router"));
  const auto dense_gate = std::get<GemmShape>(find_op(g, "gate", 0).shape);
  EXPECT_EQ(dense_gate.n, kI);
  EXPECT_TRUE(layer3.count("router") && layer3.count("shared_expert.down") &&
              !layer3.count("gate"));
  EXPECT_EQ(routed_tokens, 64 * kK);
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "shared_expert.gate", kDense).shape).n, kMoeI);
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "shared_expert.gate", kDense).shape).m, 64);
  // Combine: each token's 8 routed outputs and the shared one.
  EXPECT_EQ(std::get<VectorShape>(find_op(g, "moe_combine", kDense).shape).elements,
            64 * (kK + 1) * kH);
}

TEST(WorkloadDeepSeek, GroupLimitedRoutingKeepsEachTokenInItsGroups) {
  const MoeRouting random{MoeRouting::Mode::kRandom, 7};
  // One token at a time: its 8 experts lie in at most 4 of the 8 groups of 32.
  for (std::int64_t layer = 0; layer < 50; ++layer) {
    const auto loads = expert_loads(random, 1, kE, kK, layer, 8, 4);
    std::set<std::int64_t> groups;
    std::int64_t picked = 0;
    for (std::int64_t e = 0; e < kE; ++e) {
      EXPECT_LE(loads[e], 1);
      if (loads[e] > 0) groups.insert(e / 32);
      picked += loads[e];
    }
    EXPECT_EQ(picked, kK);
    EXPECT_LE(groups.size(), 4u);
  }
  // Many tokens: every slot lands somewhere, all experts get used.
  const auto loads = expert_loads(random, 4096, kE, kK, 3, 8, 4);
  std::int64_t sum = 0, used = 0;
  for (auto l : loads) {
    sum += l;
    used += l > 0;
  }
  EXPECT_EQ(sum, 4096 * kK);
  EXPECT_EQ(used, kE);
  // Without a group limit the draw is the ungrouped one.
  EXPECT_EQ(expert_loads(random, 100, kE, kK, 2, 8, 8), expert_loads(random, 100, kE, kK, 2));
  EXPECT_THROW(expert_loads(random, 1, kE, kK, 0, 7, 4), InputError);
}

TEST(TensorParallelDeepSeek, HeadsAndExpertsSplitLatentsReplicated) {
  ModelConfig m = v3();
  apply_tensor_parallel(m, 4, tensor_parallel_limit(chip()));
  const OperatorGraph g = build_iteration_graph(m, kFp8, {{100, 1, true}, {0, 64, true}});
  const auto gemm = [&](const char* name, int layer) {
    return std::get<GemmShape>(find_op(g, name, layer).shape);
  };
  EXPECT_EQ(gemm("qkv_a_proj", 0).n, kQl + kKvl + kRope);  // replicated down projection
  EXPECT_EQ(gemm("q_b_proj", 0).n, kHeads / 4 * (kNope + kRope));
  EXPECT_EQ(gemm("kv_b_proj", 0).n, kHeads / 4 * (kNope + kDv));
  EXPECT_EQ(gemm("o_proj", 0).k, kHeads / 4 * kDv);
  EXPECT_EQ(std::get<AttentionShape>(find_op(g, "attention_latent", 0).shape).heads, kHeads / 4);
  EXPECT_EQ(gemm("gate", 0).n, kI / 4);
  EXPECT_EQ(gemm("shared_expert.gate", kDense).n, kMoeI / 4);
  EXPECT_EQ(find_op(g, "attn_all_reduce", 0).name, "attn_all_reduce");
  // 671 GB of FP8 weights do not fit one chip; the refusal names the degree that would.
  const std::string e = input_error([&] {
    check_capacity(v3(), kFp8, {{0, 128, true}}, 231928233984ull);
  });
  EXPECT_NE(e.find("model does not fit: weights 671.0"), std::string::npos) << e;
  EXPECT_NE(e.find("sharded over 4 chips (--tp 4) each chip's share fits"), std::string::npos) << e;
}

TEST(LatentAttentionKernel, ReadsTheLatentOnceAndBeatsSeparateKeysAndValues) {
  // Decode of 8 sequences at 4096 context, DeepSeek's 128 heads on one latent: memory bound.
  AttentionShape latent;
  latent.sequences.assign(8, AttentionSequence{1, 4096});
  latent.heads = kHeads;
  latent.kv_heads = 1;
  latent.head_dim = kKvl + kRope;
  latent.v_head_dim = kKvl;
  latent.latent_kv = true;
  latent.q_dtype = latent.kv_dtype = DType::kFp8;
  AttentionShape split = latent;  // the same attention with V stored and read separately
  split.latent_kv = false;
  const auto time = [](const AttentionShape& s, const char* name) {
    Operator op;
    op.name = name;
    op.shape = s;
    op.cost = generic_cost(s);
    op.signature = op_signature(op.name, op.shape);
    return test::rig().exec.run(op);
  };
  const OpMeasurement a = time(latent, "latent");
  const OpMeasurement b = time(split, "split");
  // HBM traffic: the latent cache once (8 x 4096 x 576 bytes) plus each KV partition's query
  // and partial output; stored apart, the values (8 x 4096 x 512 bytes) come on top.
  const double cache = 8.0 * 4096 * (kKvl + kRope), values = 8.0 * 4096 * kKvl;
  EXPECT_GE(a.hbm_bytes, cache);
  EXPECT_GE(b.hbm_bytes - a.hbm_bytes, values);
  EXPECT_LT(a.time_ns, b.time_ns);
  EXPECT_GE(a.time_ns, a.roofline_ns);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
