// The workload layer: models from Hugging Face config.json, parameter counts, per-iteration
// operator graphs with FLOPs and bytes checked against arithmetic from the published dimensions,
// MoE routing, operator traces (round trip, strict errors) and the HBM capacity check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <systemc>

#include "graph_checks.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/program/vector_functions.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/op_trace.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/parameters.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
using test::find_op;
using test::input_error;

const std::string kModels = std::string(MAIA_SOURCE_DIR) + "/configs/models";
// Published configs kept beside the repository; tests that need them skip when it is absent.
const std::string kShared = "/work/shared/models";
bool have_shared() { return std::ifstream(kShared + "/DeepSeek-V3.json").good(); }

ModelConfig model(const std::string& name) { return load_model(name, kModels); }

int count_ops(const OperatorGraph& g, const std::string& name) {
  int n = 0;
  for (const auto& op : g.ops) n += op.name == name;
  return n;
}

Json model_json(const std::string& short_name) {
  return JsonReader::parse_file(kModels + "/" + short_name + ".json");
}

// ---------------------------------------------------------------------------------------------
// Models

TEST(WorkloadModel, Llama8BFromShortNameOrPath) {
  const ModelConfig m = model("llama-3.1-8b");
  EXPECT_EQ(m.name, "llama-3.1-8b");
  EXPECT_EQ(m.model_type, "llama");
  EXPECT_EQ(m.hidden_size, 4096);
  EXPECT_EQ(m.intermediate_size, 14336);
  EXPECT_EQ(m.num_layers, 32);
  EXPECT_EQ(m.num_heads, 32);
  EXPECT_EQ(m.num_kv_heads, 8);
  EXPECT_EQ(m.head_dim, 128);
  EXPECT_EQ(m.vocab_size, 128256);
  EXPECT_FALSE(m.is_moe());
  EXPECT_FALSE(m.qkv_bias);
  const ModelConfig by_path = load_model(kModels + "/llama-3.1-8b.json", "/nonexistent");
  EXPECT_EQ(by_path.hidden_size, 4096);
  EXPECT_EQ(model("Llama-3.1-8B").num_layers, 32);  // short names are case-insensitive
}

TEST(WorkloadModel, ShippedModelsAreTheSharedConfigs) {
  if (!have_shared()) GTEST_SKIP() << kShared << " not present";
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"llama-3.1-8b", "Llama-3.1-8B"},      {"llama-3.1-70b", "Llama-3.1-70B"},
      {"llama-3.1-405b", "Llama-3.1-405B"},  {"qwen2.5-7b", "Qwen2.5-7B"},
      {"mixtral-8x7b", "Mixtral-8x7B-v0.1"}, {"gpt3-175b", "GPT-3-175B"},
      {"deepseek-v3", "DeepSeek-V3"}};
  for (const auto& [ours, published] : pairs)
    EXPECT_EQ(model_json(ours), JsonReader::parse_file(kShared + "/" + published + ".json"))
        << ours;
  EXPECT_GE(list_models(kModels).size(), 6u);
}

TEST(WorkloadModel, MixtralAndQwenSpecifics) {
  const ModelConfig mx = model("mixtral-8x7b");
  EXPECT_TRUE(mx.is_moe());
  EXPECT_EQ(mx.num_experts, 8);
  EXPECT_EQ(mx.experts_per_token, 2);
  EXPECT_EQ(mx.sliding_window, 0);  // "sliding_window": null
  const ModelConfig qw = model("qwen2.5-7b");
  EXPECT_TRUE(qw.qkv_bias);         // Qwen2 always has Q/K/V biases
  EXPECT_EQ(qw.sliding_window, 0);  // use_sliding_window: false
  EXPECT_EQ(qw.num_kv_heads, 4);
}

TEST(WorkloadModel, DeepSeekV3LoadsFromTheSharedFile) {
  if (!have_shared()) GTEST_SKIP() << kShared << " not present";
  const ModelConfig m = load_model(kShared + "/DeepSeek-V3.json", kModels);
  EXPECT_TRUE(m.is_mla());
  EXPECT_EQ(m.num_experts, 256);
}

// gpt-oss reads layer_types (tests/unit/gpt_oss_model_test.cpp); the other families still name it.
TEST(WorkloadModel, LayerTypesOutsideGptOssNameTheField) {
  Json doc = model_json("llama-3.1-8b");
  doc["layer_types"] = Json::array({"sliding_attention"});
  const std::string e = input_error([&] { parse_model_config(doc, "x.json", "x"); });
  EXPECT_NE(e.find("x.json: layer_types: per-layer attention types"), std::string::npos) << e;
}

TEST(WorkloadModel, MlaFieldsAreNamedEvenInALlamaConfig) {
  Json doc = model_json("llama-3.1-8b");
  doc["q_lora_rank"] = 1536;
  const std::string e = input_error([&] { parse_model_config(doc, "x.json", "x"); });
  EXPECT_NE(e.find("x.json: q_lora_rank: multi-head latent attention (MLA) is supported for "
                   "model_type deepseek_v3"),
            std::string::npos)
      << e;
}

TEST(WorkloadModel, UnknownFieldIsAnErrorWithSuggestion) {
  Json doc = model_json("llama-3.1-8b");
  doc["num_hiden_layers"] = 4;
  const std::string e = input_error([&] { parse_model_config(doc, "x.json", "x"); });
  EXPECT_NE(e.find("x.json: num_hiden_layers: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("num_hidden_layers"), std::string::npos) << e;
}

TEST(WorkloadModel, IgnoredFieldsAreAcceptedAndListed) {
  Json doc = model_json("llama-3.1-70b");
  for (const auto& f : {"bos_token_id", "torch_dtype", "rope_scaling", "quantization_config"}) {
    EXPECT_NE(std::find(ignored_model_fields().begin(), ignored_model_fields().end(), f),
              ignored_model_fields().end())
        << f;
    doc[f] = "anything";
  }
  EXPECT_EQ(parse_model_config(doc, "x.json", "x").hidden_size, 8192);
}

TEST(WorkloadModel, UnsupportedTypeActivationAndMissingFields) {
  Json doc = model_json("llama-3.1-8b");
  doc["model_type"] = "gpt_neox";
  EXPECT_NE(input_error([&] {
              parse_model_config(doc, "x.json", "x");
            }).find("x.json: model_type: model type is not supported"),
            std::string::npos);
  doc = model_json("llama-3.1-8b");
  doc["hidden_act"] = "gelu";
  EXPECT_NE(input_error([&] { parse_model_config(doc, "x.json", "x"); }).find("hidden_act"),
            std::string::npos);
  doc = model_json("llama-3.1-8b");
  doc["architectures"] = {"MixtralForCausalLM"};
  EXPECT_NE(input_error([&] { parse_model_config(doc, "x.json", "x"); }).find("architectures[0]"),
            std::string::npos);
  doc = model_json("llama-3.1-8b");
  doc.erase("hidden_size");
  EXPECT_NE(
      input_error([&] { parse_model_config(doc, "x.json", "x"); }).find("hidden_size: is required"),
      std::string::npos);
  const std::string e = input_error([] { model("llama-3.1-9b"); });
  EXPECT_NE(e.find("unknown model 'llama-3.1-9b'"), std::string::npos) << e;
  EXPECT_NE(e.find("llama-3.1-8b"), std::string::npos) << e;
}

// ---------------------------------------------------------------------------------------------
// Parameters

TEST(WorkloadParameters, TotalsMatchPublishedWithin1Percent) {
  const std::vector<std::pair<std::string, double>> published = {{"llama-3.1-8b", 8.03e9},
                                                                 {"llama-3.1-70b", 70.6e9},
                                                                 {"llama-3.1-405b", 405.9e9},
                                                                 {"qwen2.5-7b", 7.62e9},
                                                                 {"mixtral-8x7b", 46.7e9}};
  for (const auto& [name, total] : published) {
    const ParameterCount p = count_parameters(model(name));
    EXPECT_NEAR(static_cast<double>(p.total), total, 0.01 * total) << name;
  }
  // Qwen2.5-7B publishes the exact count (Q/K/V biases included).
  EXPECT_EQ(count_parameters(model("qwen2.5-7b")).total, 7615616512);
  const ParameterCount mx = count_parameters(model("mixtral-8x7b"));
  EXPECT_NEAR(static_cast<double>(mx.active), 12.9e9, 0.01 * 12.9e9);
  EXPECT_EQ(count_parameters(model("llama-3.1-8b")).active,
            count_parameters(model("llama-3.1-8b")).total);
}

TEST(WorkloadParameters, WeightBytesFollowDatatype) {
  const ModelConfig m = model("llama-3.1-8b");
  const auto params = static_cast<std::uint64_t>(count_parameters(m).total);
  EXPECT_EQ(model_weight_bytes(m, DType::kBf16), 2 * params);
  // FP8 matrices: 1 byte each; norms stay BF16 (65 vectors of 4096).
  const std::uint64_t norms = (2 * 32 + 1) * 4096;
  EXPECT_EQ(model_weight_bytes(m, DType::kFp8), params - norms + 2 * norms);
  // FP4: half a byte plus one scale byte per 32 elements.
  const std::uint64_t matrices = params - norms;
  EXPECT_EQ(model_weight_bytes(m, DType::kFp4), matrices / 2 + matrices / 32 + 2 * norms);
}

// ---------------------------------------------------------------------------------------------
// Operator graph

TEST(WorkloadGraph, Llama8BFlopsAndBytesPerOp) {
  const ModelConfig m = model("llama-3.1-8b");
  const std::int64_t hidden = 4096, heads = 32, kv_heads = 8, head_dim = 128, inter = 14336,
                     vocab = 128256;
  // One 512-token prompt and one decode step on 1000 cached tokens; BF16 everywhere (2 bytes).
  const std::vector<Sequence> batch = {{0, 512}, {1000, 1}};
  const std::int64_t tokens = 513;
  const OperatorGraph g = build_iteration_graph(m, Quantization{}, batch);

  // 1 embedding + 12 per layer + final norm, LM head, sampling.
  EXPECT_EQ(g.ops.size(), 1u + 32u * 12u + 3u);

  const Operator& qkv = find_op(g, "qkv_proj", 0);
  const auto& qs = std::get<GemmShape>(qkv.shape);
  EXPECT_EQ(qs.m, tokens);
  EXPECT_EQ(qs.n, (heads + 2 * kv_heads) * head_dim);
  EXPECT_EQ(qs.k, hidden);
  EXPECT_EQ(qkv.cost.flops, 2ull * tokens * hidden * (heads + 2 * kv_heads) * head_dim);
  EXPECT_EQ(qkv.cost.weight_bytes, 2ull * hidden * (heads + 2 * kv_heads) * head_dim);
  EXPECT_EQ(qkv.cost.activation_read_bytes, 2ull * tokens * hidden);
  EXPECT_EQ(qkv.cost.activation_write_bytes, 2ull * tokens * (heads + 2 * kv_heads) * head_dim);
  EXPECT_EQ(qkv.engine(), EngineClass::kTtu);

  const Operator& rope = find_op(g, "rope", 5);
  EXPECT_EQ(rope.cost.kv_write_bytes, 2ull * 2 * tokens * kv_heads * head_dim);  // K and V
  EXPECT_EQ(rope.cost.flops, 3ull * tokens * (heads + kv_heads) * head_dim);
  EXPECT_EQ(rope.engine(), EngineClass::kTvp);

  // Attention: causal pairs 512*513/2 for the prompt, 1001 for the decode step.
  const Operator& attn = find_op(g, "attention", 7);
  const std::uint64_t pairs = 512ull * 513 / 2 + 1001;
  EXPECT_EQ(attn.cost.flops, heads * pairs * 4 * head_dim + 12 * heads * pairs);  // QK,PV + softmax
  EXPECT_EQ(attn.cost.kv_read_bytes, 2ull * 2 * (512 + 1001) * kv_heads * head_dim);
  EXPECT_EQ(attn.cost.kv_write_bytes, 0u);
  EXPECT_EQ(attn.cost.activation_read_bytes, 2ull * tokens * heads * head_dim);
  EXPECT_EQ(attn.cost.weight_bytes, 0u);
  EXPECT_EQ(attn.engine(), EngineClass::kTtuTvp);
  const auto& as = std::get<AttentionShape>(attn.shape);
  ASSERT_EQ(as.sequences.size(), 2u);
  EXPECT_EQ(as.sequences[1].q_tokens, 1);
  EXPECT_EQ(as.sequences[1].kv_tokens, 1001);
  EXPECT_EQ(as.kv_heads, kv_heads);

  const Operator& o = find_op(g, "o_proj", 0);
  EXPECT_EQ(o.cost.flops, 2ull * tokens * heads * head_dim * hidden);
  EXPECT_EQ(o.cost.weight_bytes, 2ull * heads * head_dim * hidden);
  for (const char* name : {"gate", "up"}) {
    const Operator& op = find_op(g, name, 3);
    EXPECT_EQ(op.cost.flops, 2ull * tokens * hidden * inter) << name;
    EXPECT_EQ(op.cost.weight_bytes, 2ull * hidden * inter) << name;
  }
  const Operator& down = find_op(g, "down", 3);
  EXPECT_EQ(down.cost.flops, 2ull * tokens * inter * hidden);
  EXPECT_EQ(down.cost.activation_read_bytes, 2ull * tokens * inter);
  const Operator& swiglu = find_op(g, "swiglu", 3);
  EXPECT_EQ(swiglu.cost.flops, 11ull * tokens * inter);
  EXPECT_EQ(swiglu.cost.activation_read_bytes, 2ull * 2 * tokens * inter);
  const Operator& norm = find_op(g, "attn_norm", 0);
  EXPECT_EQ(norm.cost.weight_bytes, 2ull * hidden);
  EXPECT_EQ(norm.cost.flops, 4ull * tokens * hidden);
  const Operator& add = find_op(g, "attn_residual", 0);
  EXPECT_EQ(add.cost.flops, 1ull * tokens * hidden);
  EXPECT_EQ(add.cost.activation_read_bytes, 2ull * 2 * tokens * hidden);

  const Operator& emb = find_op(g, "embedding", -1);
  EXPECT_EQ(emb.cost.weight_bytes, 2ull * tokens * hidden);  // one row per token
  // LM head and sampling: one row per emitting sequence (both emit here).
  const Operator& head = find_op(g, "lm_head", -1);
  EXPECT_EQ(std::get<GemmShape>(head.shape).m, 2);
  EXPECT_EQ(head.cost.flops, 2ull * 2 * hidden * vocab);
  EXPECT_EQ(head.cost.weight_bytes, 2ull * hidden * vocab);
  const Operator& sample = find_op(g, "sampling", -1);
  EXPECT_EQ(std::get<VectorShape>(sample.shape).elements, 2 * vocab);

  // Every weight is read once, except that the embedding reads only the tokens' rows.
  EXPECT_EQ(g.total().weight_bytes,
            model_weight_bytes(m, DType::kBf16) - 2ull * vocab * hidden + 2ull * tokens * hidden);
}

TEST(WorkloadGraph, StructureDependenciesAndSignatures) {
  const OperatorGraph g =
      build_iteration_graph(model("llama-3.1-8b"), Quantization{}, {{100, 7}, {0, 1}});
  EXPECT_NO_THROW(validate_graph(g, "graph"));
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    for (int d : g.ops[i].deps) EXPECT_LT(d, static_cast<int>(i));
    if (i > 0) {
      EXPECT_FALSE(g.ops[i].deps.empty()) << g.ops[i].name;
    }
    if (const auto* v = std::get_if<VectorShape>(&g.ops[i].shape)) {
      EXPECT_NE(find_vector_function(v->function), nullptr) << v->function;
    }
    EXPECT_EQ(g.ops[i].signature.find("layer"), std::string::npos);
  }
  // All 32 layers compile alike; the first operator of the graph is not part of them.
  for (int l = 1; l < 32; ++l) EXPECT_EQ(g.layer_signature(l), g.layer_signature(0));
  EXPECT_NE(g.layer_signature(0), g.layer_signature(-1));
  EXPECT_EQ(find_op(g, "gate", 0).signature, find_op(g, "gate", 31).signature);
  EXPECT_NE(find_op(g, "gate", 0).signature, find_op(g, "down", 0).signature);
  // The residual add depends on the layer input and the output projection.
  const Operator& res = find_op(g, "attn_residual", 1);
  EXPECT_EQ(res.deps.size(), 2u);
  EXPECT_EQ(g.ops[res.deps[0]].name, "mlp_residual");
  EXPECT_EQ(g.ops[res.deps[1]].name, "o_proj");
}

TEST(WorkloadGraph, QuantisationSetsDatatypesAndBytes) {
  const Quantization q{DType::kFp4, DType::kFp8, DType::kFp8};
  const OperatorGraph g = build_iteration_graph(model("llama-3.1-8b"), q, {{0, 64}});
  const Operator& qkv = find_op(g, "qkv_proj", 0);
  const auto& s = std::get<GemmShape>(qkv.shape);
  EXPECT_EQ(s.a_dtype, DType::kFp8);
  EXPECT_EQ(s.b_dtype, DType::kFp4);
  const std::uint64_t elems = 4096ull * 6144;
  EXPECT_EQ(qkv.cost.weight_bytes, elems / 2 + elems / 32);  // MXFP4 payload + scales
  EXPECT_EQ(qkv.cost.activation_read_bytes, 64ull * 4096);
  EXPECT_EQ(find_op(g, "rope", 0).cost.kv_write_bytes, 2ull * 64 * 8 * 128);
  EXPECT_EQ(std::get<AttentionShape>(find_op(g, "attention", 0).shape).kv_dtype, DType::kFp8);
  EXPECT_EQ(parse_quantization("fp8"), (Quantization{DType::kFp8, DType::kFp8, DType::kFp8}));
  EXPECT_EQ(parse_quantization("weights=fp4,activations=fp8,kv=fp8"), q);
  EXPECT_NE(input_error([] { parse_quantization("weights=int8"); }).find("int8"),
            std::string::npos);
}

TEST(WorkloadGraph, LongerContextMeansMoreAttentionWork) {
  const ModelConfig m = model("llama-3.1-70b");
  const OperatorGraph short_ctx = build_iteration_graph(m, Quantization{}, {{1000, 1}});
  const OperatorGraph long_ctx = build_iteration_graph(m, Quantization{}, {{8000, 1}});
  const Operator& a = find_op(short_ctx, "attention", 0);
  const Operator& b = find_op(long_ctx, "attention", 0);
  EXPECT_GT(b.cost.flops, a.cost.flops);
  EXPECT_GT(b.cost.kv_read_bytes, a.cost.kv_read_bytes);
  EXPECT_EQ(b.cost.kv_read_bytes * 1001, a.cost.kv_read_bytes * 8001);  // proportional to keys
  EXPECT_EQ(find_op(short_ctx, "gate", 0).cost, find_op(long_ctx, "gate", 0).cost);
}

TEST(WorkloadGraph, LmHeadOnlyForSequencesThatEmitTokens) {
  const ModelConfig m = model("llama-3.1-8b");
  // Four decodes, one idle resident sequence, one prefill chunk that is not the prompt's last.
  std::vector<Sequence> batch = {{10, 1}, {20, 1}, {30, 1}, {40, 1}, {500, 0}, {0, 256, false}};
  const OperatorGraph g = build_iteration_graph(m, Quantization{}, batch);
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "lm_head", -1).shape).m, 4);
  EXPECT_EQ(std::get<VectorShape>(find_op(g, "sampling", -1).shape).rows, 4);
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "qkv_proj", 0).shape).m, 4 + 256);
  EXPECT_EQ(std::get<AttentionShape>(find_op(g, "attention", 0).shape).sequences.size(), 5u);
  const OperatorGraph chunk_only = build_iteration_graph(m, Quantization{}, {{0, 256, false}});
  EXPECT_EQ(count_ops(chunk_only, "lm_head"), 0);
  EXPECT_EQ(count_ops(chunk_only, "sampling"), 0);
  EXPECT_EQ(count_ops(chunk_only, "final_norm"), 1);
}

TEST(WorkloadGraph, BadBatchesAreInputErrors) {
  const ModelConfig m = model("llama-3.1-8b");
  EXPECT_NE(input_error([&] { build_iteration_graph(m, {}, {}); }).find("at least one"),
            std::string::npos);
  EXPECT_NE(input_error([&] {
              build_iteration_graph(m, {}, {{-1, 1}});
            }).find(">= 0"),
            std::string::npos);
  EXPECT_NE(input_error([&] {
              build_iteration_graph(m, {}, {{5, 0}});
            }).find("no sequence"),
            std::string::npos);
  EXPECT_NE(input_error([&] {
              build_iteration_graph(m, {}, {{131072, 1}});
            }).find("max_position_embeddings"),
            std::string::npos);
}

TEST(WorkloadGraph, SlidingWindowAttentionPairs) {
  // Query positions 6..9 with a window of 4 each see 4 keys; without, 7..10 keys.
  const AttentionSequence s{4, 10};
  EXPECT_EQ(attention_pairs(s, 0), 7 + 8 + 9 + 10);
  EXPECT_EQ(attention_pairs(s, 4), 4 * 4);
  EXPECT_EQ(attention_kv_span(s, 4), 10 - 3);  // keys 3..9
  EXPECT_EQ(attention_pairs({3, 3}, 2), 1 + 2 + 2);
  EXPECT_EQ(attention_kv_span({3, 3}, 2), 3);
}

// ---------------------------------------------------------------------------------------------
// MoE

TEST(WorkloadMoe, OneTokenTouchesOnlyItsExperts) {
  const ModelConfig m = model("mixtral-8x7b");
  const OperatorGraph g = build_iteration_graph(m, Quantization{}, {{100, 1}});
  std::set<std::string> experts;
  for (const auto& op : g.ops)
    if (op.layer == 0 && op.name.starts_with("expert") && op.name.ends_with(".gate"))
      experts.insert(op.name);
  EXPECT_EQ(experts.size(), 2u);  // top-2
  const std::uint64_t all = model_weight_bytes(m, DType::kBf16);
  const std::uint64_t per_expert = 2ull * 3 * 4096 * 14336;
  EXPECT_LT(g.total().weight_bytes, all);
  EXPECT_EQ(g.total().weight_bytes,
            all - 2ull * 32000 * 4096 + 2ull * 4096 - 32ull * 6 * per_expert);
  const Operator& combine = find_op(g, "moe_combine", 0);
  EXPECT_EQ(combine.deps.size(), 3u);  // two experts' down projections + the routing
  EXPECT_EQ(combine.cost.flops, 2ull * 1 * 2 * 4096);
  const Operator& router = find_op(g, "router", 0);
  EXPECT_EQ(router.cost.flops, 2ull * 4096 * 8);
}

TEST(WorkloadMoe, ManyTokensTouchAllExperts) {
  const ModelConfig m = model("mixtral-8x7b");
  for (const MoeRouting& r : {MoeRouting{}, MoeRouting{MoeRouting::Mode::kRandom, 7}}) {
    const OperatorGraph g = build_iteration_graph(m, Quantization{}, {{0, 256}}, r);
    int gates = 0;
    std::int64_t routed = 0;
    for (const auto& op : g.ops)
      if (op.layer == 4 && op.name.starts_with("expert") && op.name.ends_with(".gate")) {
        ++gates;
        routed += std::get<GemmShape>(op.shape).m;
      }
    EXPECT_EQ(gates, 8);
    EXPECT_EQ(routed, 256 * 2);
    EXPECT_EQ(g.total().weight_bytes,
              model_weight_bytes(m, DType::kBf16) - 2ull * 32000 * 4096 + 2ull * 256 * 4096);
  }
}

TEST(WorkloadMoe, RoutingIsDeterministicAndDocumented) {
  const std::vector<std::int64_t> balanced = expert_loads({}, 5, 8, 2, 0);
  EXPECT_EQ(balanced, (std::vector<std::int64_t>{2, 2, 1, 1, 1, 1, 1, 1}));  // 10 slots
  const MoeRouting r = parse_moe_routing("random:42");
  const auto a = expert_loads(r, 1000, 8, 2, 3);
  EXPECT_EQ(a, expert_loads(r, 1000, 8, 2, 3));
  EXPECT_NE(a, expert_loads(r, 1000, 8, 2, 4));  // layers differ
  std::int64_t sum = 0;
  for (auto x : a) {
    sum += x;
    EXPECT_NEAR(static_cast<double>(x), 250.0, 80.0);
  }
  EXPECT_EQ(sum, 2000);
  EXPECT_EQ(moe_routing_text(r), "random:42");
  EXPECT_FALSE(input_error([] { parse_moe_routing("greedy"); }).empty());
  // Balanced routing keeps MoE layers identical.
  const OperatorGraph g =
      build_iteration_graph(model("mixtral-8x7b"), Quantization{}, {{0, 3}, {9, 1}});
  EXPECT_EQ(g.layer_signature(0), g.layer_signature(31));
}

// ---------------------------------------------------------------------------------------------
// Operator traces

TEST(WorkloadTrace, WriteReadRoundTrip) {
  const OperatorGraph g = build_iteration_graph(
      model("mixtral-8x7b"), Quantization{DType::kFp4, DType::kFp8, DType::kBf16},
      {{0, 17}, {300, 1}, {40, 5, false}}, MoeRouting{MoeRouting::Mode::kRandom, 3});
  const std::string file = ::testing::TempDir() + "workload_trace_roundtrip.json";
  std::remove(file.c_str());
  write_op_trace(g, file);
  const OperatorGraph back = read_op_trace(file);
  EXPECT_EQ(back, g);
  EXPECT_EQ(op_trace_to_json(back).dump(), op_trace_to_json(g).dump());
}

TEST(WorkloadTrace, MinimalHandWrittenTraceGetsDerivedCosts) {
  const Json doc = Json::parse(R"({
    "format": "maia-op-trace", "version": 1, "name": "tiny",
    "operators": [
      {"name": "proj", "gemm": {"m": 4, "n": 64, "k": 32, "a_dtype": "bf16", "b_dtype": "fp8",
                                 "out_dtype": "bf16"}},
      {"name": "act", "deps": [0], "vector": {"function": "silu", "elements": 256, "dtype": "bf16"}},
      {"name": "attn", "layer": 0, "deps": [1], "attention": {"heads": 4, "kv_heads": 2,
        "head_dim": 16, "q_dtype": "bf16", "kv_dtype": "fp8",
        "sequences": [{"q_tokens": 1, "kv_tokens": 10}]}, "flops": 5}
    ]})");
  const OperatorGraph g = parse_op_trace(doc, "tiny.json");
  ASSERT_EQ(g.ops.size(), 3u);
  EXPECT_EQ(g.ops[0].cost.flops, 2u * 4 * 64 * 32);
  EXPECT_EQ(g.ops[0].cost.weight_bytes, 64u * 32);
  EXPECT_EQ(g.ops[1].cost.flops, 10u * 256);
  EXPECT_EQ(g.ops[2].cost.flops, 5u);  // given values win
  EXPECT_EQ(g.ops[2].cost.kv_read_bytes, 2u * 10 * 2 * 16);
  EXPECT_EQ(g.ops[2].engine(), EngineClass::kTtuTvp);
  EXPECT_EQ(g.ops[1].signature, op_signature("act", g.ops[1].shape));
}

TEST(WorkloadTrace, MalformedTracesNameTheJsonPath) {
  const auto error_of = [](const std::string& text) {
    return input_error([&] { parse_op_trace(Json::parse(text), "t.json"); });
  };
  const std::string head = R"({"format": "maia-op-trace", "version": 1, "operators": [)";
  const std::string gemm =
      R"("gemm": {"m": 1, "n": 2, "k": 3, "a_dtype": "bf16", "b_dtype": "bf16", "out_dtype": "bf16"})";
  std::string e = error_of(head + R"({"name": "a", "deps": [1], )" + gemm + "}]}");
  EXPECT_NE(e.find("t.json: operators[0].deps[0]: must be the index of an earlier"),
            std::string::npos)
      << e;
  e = error_of(head + R"({"name": "a", "gemm": {"m": 1, "n": 2, "k": 3, "a_dtype": "int8",
      "b_dtype": "bf16", "out_dtype": "bf16"}}]})");
  EXPECT_NE(e.find("operators[0].gemm.a_dtype"), std::string::npos) << e;
  e = error_of(head + R"({"name": "a", "flop": 3, )" + gemm + "}]}");
  EXPECT_NE(e.find("operators[0].flop: unknown key (did you mean 'flops'?)"), std::string::npos)
      << e;
  e = error_of(head + R"({"name": "a"}]})");
  EXPECT_NE(e.find("operators[0]: an operator needs one shape"), std::string::npos) << e;
  e = error_of(head + R"({"name": "a", "vector": {"function": "sigmoid", "elements": 4,
      "dtype": "bf16"}}]})");
  EXPECT_NE(e.find("operators[0].vector.function: must be one of"), std::string::npos) << e;
  e = error_of(head + R"({"name": "a", "engine": "tvp", )" + gemm + "}]}");
  EXPECT_NE(e.find("operators[0].engine: must be 'ttu'"), std::string::npos) << e;
  e = error_of(R"({"format": "maia-op-trace", "version": 2, "operators": []})");
  EXPECT_NE(e.find("version"), std::string::npos) << e;
  e = error_of(head + R"({"name": "a", "attention": {"heads": 4, "kv_heads": 2, "head_dim": 8,
      "q_dtype": "bf16", "kv_dtype": "bf16", "sequences": [{"q_tokens": 5, "kv_tokens": 3}]}}]})");
  EXPECT_NE(e.find("operators[0].attention.sequences[0].kv_tokens: must be >= 5"),
            std::string::npos)
      << e;
}

// ---------------------------------------------------------------------------------------------
// Capacity

TEST(WorkloadCapacity, Llama405BInBf16DoesNotFit216GiB) {
  const ModelConfig m = model("llama-3.1-405b");
  const std::uint64_t hbm = 216ull << 30;
  const std::string e = input_error([&] { check_capacity(m, Quantization{}, {{0, 1}}, hbm); });
  EXPECT_NE(e.find("model does not fit: weights 811."), std::string::npos) << e;
  EXPECT_NE(e.find("> HBM 231.93 GB"), std::string::npos) << e;
  EXPECT_NE(e.find("KV 0.00 GB"), std::string::npos) << e;
  // In FP4 the weights (~215 GB) fit, and a long context then does not.
  const Quantization fp4{DType::kFp4, DType::kFp8, DType::kFp8};
  EXPECT_NO_THROW(check_capacity(m, fp4, {{0, 1}}, hbm));
  const std::string e2 = input_error([&] { check_capacity(m, fp4, {{100000, 1}}, hbm); });
  EXPECT_NE(e2.find("model does not fit"), std::string::npos) << e2;
}

TEST(WorkloadCapacity, KvCacheBytesFromDimensions) {
  const ModelConfig m = model("llama-3.1-8b");
  const std::vector<Sequence> batch = {{1000, 24}, {0, 512}};
  // layers * (K + V) * kv_heads * head_dim * tokens * bytes
  EXPECT_EQ(kv_cache_bytes(m, DType::kBf16, batch), 32ull * 2 * 8 * 128 * (1024 + 512) * 2);
  EXPECT_EQ(kv_cache_bytes(m, DType::kFp8, batch), 32ull * 2 * 8 * 128 * (1024 + 512));
  const MemoryFootprint f = check_capacity(m, Quantization{}, batch, 216ull << 30);
  EXPECT_EQ(f.weight_bytes, model_weight_bytes(m, DType::kBf16));
  EXPECT_GT(f.workspace_bytes, 2ull * 536 * 4096);
  EXPECT_LT(f.workspace_bytes, f.weight_bytes / 10);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
