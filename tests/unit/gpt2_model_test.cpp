// GPT-2-style models (GPT-3-175B as shipped): the gpt2 config fields and their errors, the
// parameter count against a closed form and the published total, the LayerNorm / GELU / learned
// position graph against arithmetic from the dimensions, its FLOPs per token against 2 x
// parameters + attention, the tensor-parallel shapes and weights per chip, and a short static
// batch on four chips.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <systemc>

#include "graph_checks.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/kernels/collective_kernel.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/gpt2_config.hpp"
#include "maia/workload/op_trace.hpp"
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

// GPT-3 175B, from the paper's table (the oracle's own copy of the dimensions).
constexpr std::int64_t kL = 96, kH = 12288, kHeads = 96, kD = 128, kI = 4 * kH, kV = 50257,
                       kP = 2048;

ModelConfig gpt3() { return load_model("gpt3-175b", kModels); }

ModelConfig gpt3_tp(std::int64_t tp) {
  ModelConfig m = gpt3();
  apply_tensor_parallel(m, tp, tensor_parallel_limit(chip()));
  return m;
}

Json gpt3_json() { return JsonReader::parse_file(kModels + "/gpt3-175b.json"); }

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

std::string parse_error(const Json& doc) {
  return input_error([&] { parse_model_config(doc, "g.json", "g"); });
}

// ---------------------------------------------------------------------------------------------
// Config

TEST(WorkloadGpt2, Gpt3FieldsMapOntoTheModel) {
  const ModelConfig m = gpt3();
  EXPECT_EQ(m.model_type, "gpt2");
  EXPECT_EQ(m.hidden_size, kH);
  EXPECT_EQ(m.num_layers, kL);
  EXPECT_EQ(m.num_heads, kHeads);
  EXPECT_EQ(m.num_kv_heads, kHeads);  // multi-head attention
  EXPECT_EQ(m.head_dim, kD);
  EXPECT_EQ(m.intermediate_size, kI);  // n_inner null: 4 x n_embd
  EXPECT_EQ(m.vocab_size, kV);
  EXPECT_EQ(m.max_position_embeddings, kP);
  EXPECT_TRUE(m.tie_word_embeddings);
  EXPECT_EQ(m.norm, NormKind::kLayerNorm);
  EXPECT_EQ(m.mlp, MlpKind::kGelu);
  EXPECT_EQ(m.positions, PositionKind::kLearned);
  EXPECT_TRUE(m.qkv_bias && m.o_bias && m.mlp_bias);
  EXPECT_FALSE(m.is_moe());
  EXPECT_EQ(m.sliding_window, 0);
}

TEST(WorkloadGpt2, FieldsAreUsedIgnoredOrErrors) {
  Json doc = gpt3_json();
  doc["n_inner"] = 1000;
  EXPECT_EQ(parse_model_config(doc, "g.json", "g").intermediate_size, 1000);
  doc = gpt3_json();
  doc.erase("n_ctx");
  EXPECT_EQ(parse_model_config(doc, "g.json", "g").max_position_embeddings, kP);
  doc.erase("n_positions");
  doc["n_ctx"] = 1024;  // the older name alone
  EXPECT_EQ(parse_model_config(doc, "g.json", "g").max_position_embeddings, 1024);
  for (const char* act : {"gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast"}) {
    doc = gpt3_json();
    doc["activation_function"] = act;
    EXPECT_EQ(parse_model_config(doc, "g.json", "g").mlp, MlpKind::kGelu) << act;
  }
  doc = gpt3_json();
  for (const char* f : {"resid_pdrop", "summary_type", "scale_attn_weights", "layer_norm_epsilon"})
    doc[f] = "anything";
  EXPECT_EQ(parse_model_config(doc, "g.json", "g").hidden_size, kH);
  for (const auto& f : ignored_gpt2_fields()) EXPECT_NE(f, "n_embd");

  doc = gpt3_json();
  doc["activation_function"] = "relu";
  std::string e = parse_error(doc);
  EXPECT_NE(e.find("g.json: activation_function: must be one of: gelu_new"), std::string::npos)
      << e;
  EXPECT_NE(e.find("got \"relu\""), std::string::npos) << e;
  doc = gpt3_json();
  doc["n_ctx"] = 1024;
  e = parse_error(doc);
  EXPECT_NE(e.find("g.json: n_ctx: must equal n_positions (2048), got 1024"), std::string::npos)
      << e;
  doc = gpt3_json();
  doc["n_head"] = 100;
  e = parse_error(doc);
  EXPECT_NE(e.find("g.json: n_head: must divide n_embd (12288), got 100"), std::string::npos) << e;
  doc = gpt3_json();
  doc["add_cross_attention"] = true;
  EXPECT_NE(parse_error(doc).find("add_cross_attention: cross-attention"), std::string::npos);
  doc = gpt3_json();
  doc.erase("n_positions");
  doc.erase("n_ctx");
  EXPECT_NE(parse_error(doc).find("g.json: n_positions: is required"), std::string::npos);
  doc = gpt3_json();
  doc["n_layer"] = 100000;  // 1e5 x 12 x 12288^2 = 1.81e14 parameters, beyond 2^46
  e = parse_error(doc);
  EXPECT_NE(e.find("g.json: the model has about 1.81e+14 parameters; maia-sim handles models up "
                   "to 7.04e+13 (n_embd 12288, n_inner 49152, n_layer 100000"),
            std::string::npos)
      << e;
  // Llama-family fields mean nothing in a gpt2 config: unknown keys.
  doc = gpt3_json();
  doc["rope_theta"] = 10000.0;
  EXPECT_NE(parse_error(doc).find("g.json: rope_theta: unknown key"), std::string::npos);
  doc = gpt3_json();
  doc["architectures"] = {"LlamaForCausalLM"};
  EXPECT_NE(parse_error(doc).find("architectures[0]: must be GPT2LMHeadModel"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Parameters

// Per layer: ln_1 and ln_2 (2H each, weight and bias), c_attn (3H^2 + 3H), attention c_proj
// (H^2 + H), c_fc (4H^2 + 4H), MLP c_proj (4H^2 + H): 12 H^2 + 13 H. Plus the token table (VH),
// the position table (PH), ln_f (2H); the LM head is tied.
std::int64_t gpt2_closed_form(std::int64_t l, std::int64_t h, std::int64_t v, std::int64_t p) {
  return 12 * l * h * h + 13 * l * h + (v + p) * h + 2 * h;
}

TEST(WorkloadGpt2, ParametersMatchTheClosedFormAndThePublishedTotal) {
  const ParameterCount p = count_parameters(gpt3());
  EXPECT_EQ(p.total, gpt2_closed_form(kL, kH, kV, kP));
  EXPECT_EQ(p.total, 174'604'259'328);
  // README: "GPT-3 174.6 B", one decimal: the count rounds to it (within 0.05 B).
  EXPECT_NEAR(static_cast<double>(p.total), 174.6e9, 0.05e9);
  EXPECT_EQ(p.active, p.total);
  EXPECT_EQ(p.positions, kP * kH);
  EXPECT_EQ(p.lm_head, 0);
  EXPECT_EQ(p.norms, (2 * kL + 1) * 2 * kH);
  // A small GPT-2 (124M: 12 layers of 768, 50257 x 1024 tables) by the same formula.
  Json small = gpt3_json();
  small["n_embd"] = 768;
  small["n_layer"] = 12;
  small["n_head"] = 12;
  small["n_positions"] = small["n_ctx"] = 1024;
  EXPECT_EQ(count_parameters(parse_model_config(small, "s.json", "s")).total, 124'439'808);
}

TEST(WorkloadGpt2, WeightBytesKeepNormsAndBiasesInBf16) {
  const ModelConfig m = gpt3();
  const auto params = u(gpt2_closed_form(kL, kH, kV, kP));
  // BF16 vectors: per layer 4H of LayerNorm and 9H of biases (3H + H + 4H + H), 2H for ln_f.
  const std::uint64_t vectors = u(13 * kL * kH + 2 * kH);
  EXPECT_EQ(model_weight_bytes(m, DType::kBf16), 2 * params);
  EXPECT_EQ(model_weight_bytes(m, DType::kFp8), params - vectors + 2 * vectors);
}

// ---------------------------------------------------------------------------------------------
// Operator graph

TEST(WorkloadGpt2, LayerOperatorsShapesAndCosts) {
  const ModelConfig m = gpt3();
  const std::vector<Sequence> batch = {{0, 16}, {100, 1}};
  const std::int64_t t = 17;
  const OperatorGraph g = build_iteration_graph(m, Quantization{}, batch);
  validate_graph(g, "gpt3");

  // Prologue: embedding, position add; 11 per layer; final norm, LM head, sampling.
  ASSERT_EQ(g.ops.size(), 2u + 11u * kL + 3u);
  const std::vector<std::string> layer = {"attn_norm", "qkv_proj",      "kv_store",    "attention",
                                          "o_proj",    "attn_residual", "mlp_norm",    "up",
                                          "gelu",      "down",          "mlp_residual"};
  EXPECT_EQ(g.ops[0].name, "embedding");
  EXPECT_EQ(g.ops[1].name, "position_embedding");
  for (std::size_t i = 0; i < layer.size(); ++i) EXPECT_EQ(g.ops[2 + i].name, layer[i]);
  for (const auto& op : g.ops)
    EXPECT_TRUE(op.name != "rope" && op.name != "gate" && op.name != "swiglu") << op.name;

  const Operator& pos = find_op(g, "position_embedding", -1);
  EXPECT_EQ(std::get<VectorShape>(pos.shape).function, "add");
  EXPECT_EQ(pos.deps, std::vector<int>{0});
  EXPECT_EQ(pos.cost.weight_bytes, u(t * kH * 2));  // one BF16 table row per token
  EXPECT_EQ(pos.cost.flops, u(t * kH));

  const Operator& norm = find_op(g, "attn_norm", 0);
  EXPECT_EQ(std::get<VectorShape>(norm.shape).function, "layernorm");
  EXPECT_EQ(norm.cost.weight_bytes, u(2 * kH * 2));  // weight and bias
  EXPECT_EQ(norm.cost.flops, u(7 * t * kH));
  EXPECT_EQ(std::get<VectorShape>(find_op(g, "final_norm", -1).shape).function, "layernorm");

  const Operator& qkv = find_op(g, "qkv_proj", 0);
  const auto& qs = std::get<GemmShape>(qkv.shape);
  EXPECT_EQ(qs.n, 3 * kH);
  EXPECT_EQ(qs.k, kH);
  EXPECT_EQ(qkv.cost.flops, u(2 * t * kH * 3 * kH + t * 3 * kH));  // with bias
  EXPECT_EQ(qkv.cost.weight_bytes, u(kH * 3 * kH * 2 + 3 * kH * 2));

  const Operator& store = find_op(g, "kv_store", 0);
  EXPECT_EQ(store.cost.kv_write_bytes, u(2 * t * kH * 2));
  EXPECT_EQ(store.cost.flops, 0u);
  const auto& attn = std::get<AttentionShape>(find_op(g, "attention", 0).shape);
  EXPECT_EQ(attn.heads, kHeads);
  EXPECT_EQ(attn.kv_heads, kHeads);
  EXPECT_EQ(attn.head_dim, kD);

  const Operator& o = find_op(g, "o_proj", 0);
  EXPECT_EQ(o.cost.flops, u(2 * t * kH * kH + t * kH));
  const Operator& up = find_op(g, "up", 0);
  EXPECT_EQ(std::get<GemmShape>(up.shape).n, kI);
  EXPECT_EQ(up.cost.flops, u(2 * t * kH * kI + t * kI));
  const Operator& gelu = find_op(g, "gelu", 0);
  EXPECT_EQ(std::get<VectorShape>(gelu.shape).elements, t * kI);
  EXPECT_EQ(gelu.cost.flops, u(14 * t * kI));
  const Operator& down = find_op(g, "down", 0);
  EXPECT_EQ(std::get<GemmShape>(down.shape).k, kI);
  EXPECT_EQ(down.cost.flops, u(2 * t * kI * kH + t * kH));
  // Tied LM head: the token table, for the two emitting sequences.
  const auto& lm = std::get<GemmShape>(find_op(g, "lm_head", -1).shape);
  EXPECT_EQ(lm.m, 2);
  EXPECT_EQ(lm.n, kV);
  EXPECT_EQ(g.layer_signature(0), g.layer_signature(kL - 1));
  // The graph is chip-independent data: an operator trace carries it unchanged.
  const Json trace = Json::parse(op_trace_to_json(g).dump());
  EXPECT_EQ(parse_op_trace(trace, "gpt3.json"), g);
}

TEST(WorkloadGpt2, FlopsPerTokenAreTwiceTheParametersPlusAttention) {
  // One decode token at context c = 2048 (the model's limit). Kaplan et al.'s forward cost:
  // 2 N + 2 L c d_attn FLOPs (N: non-embedding parameters) with QK^T and PV, i.e. 4 L c H here.
  // The graph adds what the estimate leaves out, all positive and small against 2N = 3.5e11:
  // the tied LM head 2VH (0.35%), softmax 12 c heads L (0.07%), norms, GELU, residuals and
  // biases (< 0.05%). Bound: the graph is within [1, 1.01] of the estimate.
  const std::int64_t c = kP;
  const OperatorGraph g = build_iteration_graph(gpt3(), Quantization{}, {{c - 1, 1}});
  const double n = static_cast<double>(gpt2_closed_form(kL, kH, kV, kP) - (kV + kP) * kH);
  const double estimate = 2 * n + 4.0 * kL * c * kH;
  const auto flops = static_cast<double>(g.total().flops);
  EXPECT_GE(flops, estimate);
  EXPECT_LE(flops, 1.01 * estimate);
}

// ---------------------------------------------------------------------------------------------
// Tensor parallelism and capacity

TEST(TensorParallelGpt3, FourChipGraphShapesPerChip) {
  const std::int64_t tp = 4, t = 8;
  const ModelConfig m = gpt3_tp(tp);
  const OperatorGraph g = build_iteration_graph(
      m, kFp8, std::vector<Sequence>(static_cast<std::size_t>(t), Sequence{1000, 1, true}));
  validate_graph(g, "gpt3 tp4");
  const auto gemm = [&](const char* name, int layer) {
    return std::get<GemmShape>(find_op(g, name, layer).shape);
  };
  // Column-parallel QKV and up, row-parallel o_proj and down.
  EXPECT_EQ(gemm("qkv_proj", 0).n, 3 * kH / tp);
  EXPECT_EQ(gemm("qkv_proj", 0).k, kH);
  EXPECT_EQ(gemm("o_proj", 0).k, kH / tp);
  EXPECT_EQ(gemm("o_proj", 0).n, kH);
  EXPECT_EQ(gemm("up", 0).n, kI / tp);
  EXPECT_EQ(gemm("down", 0).k, kI / tp);
  EXPECT_EQ(gemm("down", 0).n, kH);
  EXPECT_EQ(gemm("lm_head", -1).n, (kV + tp - 1) / tp);
  EXPECT_EQ(std::get<VectorShape>(find_op(g, "gelu", 0).shape).elements, t * kI / tp);
  const auto& attn = std::get<AttentionShape>(find_op(g, "attention", 0).shape);
  EXPECT_EQ(attn.heads, kHeads / tp);
  EXPECT_EQ(attn.kv_heads, kHeads / tp);
  EXPECT_EQ(find_op(g, "kv_store", 0).cost.kv_write_bytes, u(2 * t * kH / tp));  // FP8

  // One all-reduce of T x H after each row-parallel GEMM, read by the residual add.
  int all_reduces = 0;
  for (const auto& op : g.ops)
    if (const auto* c = std::get_if<CollectiveShape>(&op.shape);
        c && c->kind == CollectiveKind::kAllReduce) {
      ++all_reduces;
      EXPECT_EQ(c->elements, t * kH);
      EXPECT_EQ(c->ranks, tp);
    }
  EXPECT_EQ(all_reduces, 2 * kL);
  const auto index_of = [&](const char* name, int layer) {
    return static_cast<int>(&find_op(g, name, layer) - g.ops.data());
  };
  EXPECT_EQ(find_op(g, "attn_all_reduce", 5).deps, std::vector<int>{index_of("o_proj", 5)});
  EXPECT_EQ(find_op(g, "mlp_all_reduce", 5).deps, std::vector<int>{index_of("down", 5)});
  EXPECT_EQ(find_op(g, "mlp_residual", 5).deps.back(), index_of("mlp_all_reduce", 5));
  EXPECT_EQ(find_op(g, "logits_all_gather", -1).name, "logits_all_gather");
}

TEST(TensorParallelGpt3, WeightsPerChipAndCapacity) {
  // BF16 on one of four chips: the matrices and column biases (QKV, up) split, the token and
  // position tables, LayerNorms and row-parallel biases (o_proj, down) replicated.
  const std::int64_t tp = 4;
  const std::uint64_t layer = 2 * u(kH * 3 * kH / tp + kH / tp * kH + kH * kI / tp + kI / tp * kH) +
                              2 * u(3 * kH / tp + kH + kI / tp + kH) + 2 * u(4 * kH);
  const std::uint64_t chip_bytes = 2 * u((kV + kP) * kH) + u(kL) * layer + 2 * u(2 * kH);
  EXPECT_EQ(model_weight_bytes(gpt3_tp(tp), DType::kBf16), chip_bytes);

  // 349 GB of BF16 weights do not fit one chip's 231.93 GB; a quarter, with 8 x 2048 tokens of
  // KV cache (96 layers x K, V x 12288 / 4 x 2 bytes per token), does.
  const std::uint64_t hbm = 231928233984ull;
  const std::vector<Sequence> batch(8, Sequence{0, 2048, true});
  const std::string e = input_error([&] { check_capacity(gpt3(), Quantization{}, batch, hbm); });
  EXPECT_NE(e.find("model does not fit: weights 349.21 GB"), std::string::npos) << e;
  const MemoryFootprint f = check_capacity(gpt3_tp(tp), Quantization{}, batch, hbm);
  EXPECT_EQ(f.kv_cache_bytes, u(8 * 2048 * kL * 2 * kH / tp * 2));
  EXPECT_LT(f.total(), hbm);
}

TEST(TensorParallelGpt3, ShortStaticBatchRunsOnFourChips) {
  // One request of 64 prompt tokens and 2 output tokens: every layer compiles alike, so the
  // operators of one layer are simulated and the other 95 reused.
  StaticBatchSpec spec;
  spec.batch = 1;
  spec.prompt = 64;
  spec.gen = 2;
  spec.decode_stride = 1;
  const ModelConfig m = gpt3_tp(4);
  const StaticBatchResult r = run_static_batch(test::rig().backend, m, kFp8, spec);
  ASSERT_EQ(r.decode.size(), 1u);
  EXPECT_GT(r.ttft_ns(), 0);
  EXPECT_GT(r.tpot_ns(), 0);
  EXPECT_GT(r.ops_reused, r.ops_simulated);
  // A decode step streams the chip's weights (about 44 GB in FP8, far beyond on-chip SRAM) from
  // HBM: it takes at least their bytes at the HBM peak.
  const double weights = static_cast<double>(model_weight_bytes(m, DType::kFp8));
  EXPECT_GE(r.tpot_ns(), weights / hbm_peak_gbps(chip().hbm));
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
