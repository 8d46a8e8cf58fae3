// gpt-oss-120b (model_type gpt_oss): its fields and their errors, the parameter count against a
// closed form and OpenAI's published totals, the per-tensor-class quantisation (MXFP4 experts),
// the sliding-window KV cap against closed forms, decode KV traffic against an all-full copy, the
// serving KV pools, and a short run through the CLI.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <systemc>

#include "graph_checks.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/serving/kv_pools.hpp"
#include "maia/serving/serving_run.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/gpt_oss_config.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/parameters.hpp"
#include "maia/workload/quantization.hpp"
#include "workload_rig.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
using test::find_op;
using test::input_error;
using test::kFp8;
namespace fs = std::filesystem;

const std::string kModels = test::kSource + "/configs/models";

// gpt-oss-120b's dimensions (the oracle's own copy, from the config and the model card).
constexpr std::int64_t kL = 36, kH = 2880, kI = 2880, kHeads = 64, kKvHeads = 8, kD = 64,
                       kV = 201088, kE = 128, kTopK = 4, kW = 128;
constexpr std::int64_t kKvDim = kKvHeads * kD;             // 512
constexpr std::int64_t kSliding = kL / 2, kFull = kL / 2;  // layer_types alternate

ModelConfig oss() { return load_model("gpt-oss-120b", kModels); }
Json oss_json() { return JsonReader::parse_file(kModels + "/gpt-oss-120b.json"); }

// The same model with every layer full attention.
ModelConfig all_full() {
  ModelConfig m = oss();
  std::fill(m.layer_windows.begin(), m.layer_windows.end(), 0);
  return m;
}

std::string parse_error(const Json& doc) {
  return input_error([&] { parse_model_config(doc, "g.json", "g"); });
}

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// ---------------------------------------------------------------------------------------------
// Config

TEST(GptOssModel, FieldsMapOntoTheModel) {
  const ModelConfig m = oss();
  EXPECT_EQ(m.model_type, "gpt_oss");
  EXPECT_EQ(m.hidden_size, kH);
  EXPECT_EQ(m.intermediate_size, kI);
  EXPECT_EQ(m.num_layers, kL);
  EXPECT_EQ(m.num_heads, kHeads);
  EXPECT_EQ(m.num_kv_heads, kKvHeads);
  EXPECT_EQ(m.head_dim, kD);
  EXPECT_EQ(m.vocab_size, kV);
  EXPECT_EQ(m.num_experts, kE);
  EXPECT_EQ(m.experts_per_token, kTopK);
  EXPECT_FALSE(m.tie_word_embeddings);
  EXPECT_TRUE(m.qkv_bias && m.o_bias && m.mlp_bias && m.router_bias && m.attention_sinks);
  ASSERT_EQ(m.layer_windows.size(), u(kL));
  for (std::int64_t l = 0; l < kL; ++l)
    EXPECT_EQ(m.layer_window(l), l % 2 == 0 ? kW : 0) << l;  // sliding, full, sliding, ...
  ASSERT_TRUE(m.native_expert_dtype.has_value());
  EXPECT_EQ(*m.native_expert_dtype, DType::kFp4);
}

TEST(GptOssModel, ShippedConfigIsTheSharedOne) {
  const std::string shared = "/work/shared/models/gpt-oss-120b.json";
  if (!fs::exists(shared)) GTEST_SKIP() << shared << " not present";
  EXPECT_EQ(oss_json(), JsonReader::parse_file(shared));
}

TEST(GptOssModel, BadInputIsANamedError) {
  Json doc = oss_json();
  doc["sliding_window"] = 0;
  std::string e = parse_error(doc);
  EXPECT_NE(e.find("g.json: sliding_window: must be >= 1, got 0"), std::string::npos) << e;

  doc = oss_json();
  doc["layer_types"].erase(doc["layer_types"].size() - 1);
  e = parse_error(doc);
  EXPECT_NE(e.find("g.json: layer_types: must have one entry per layer (num_hidden_layers = 36), "
                   "has 35"),
            std::string::npos)
      << e;

  doc = oss_json();
  doc["layer_types"][3] = "chunked_attention";
  e = parse_error(doc);
  EXPECT_NE(e.find("g.json: layer_types[3]: must be sliding_attention or full_attention, got "
                   "\"chunked_attention\""),
            std::string::npos)
      << e;

  doc = oss_json();
  doc["quantization_config"]["quant_method"] = "gptq";
  e = parse_error(doc);
  EXPECT_NE(e.find("g.json: quantization_config.quant_method: must be one of: mxfp4"),
            std::string::npos)
      << e;

  doc = oss_json();
  doc["experts_per_token"] = 2;
  EXPECT_NE(parse_error(doc).find("experts_per_token: must equal num_experts_per_tok (4)"),
            std::string::npos);

  // Unsupported and unknown fields stay errors naming the field.
  doc = oss_json();
  doc["kv_lora_rank"] = 512;
  EXPECT_NE(parse_error(doc).find("g.json: kv_lora_rank: multi-head latent attention"),
            std::string::npos);
  doc = oss_json();
  doc["attn_logit_softcapping"] = 50.0;
  EXPECT_NE(parse_error(doc).find("g.json: attn_logit_softcapping: unknown key"),
            std::string::npos);
  // layer_types is gpt_oss's: a Llama config with it is still refused.
  Json llama = JsonReader::parse_file(kModels + "/llama-3.1-8b.json");
  llama["layer_types"] = Json::array({"full_attention"});
  EXPECT_NE(parse_error(llama).find("layer_types: per-layer attention types"), std::string::npos);

  // Experts listed in modules_to_not_convert stay at the --weights datatype.
  doc = oss_json();
  doc["quantization_config"]["modules_to_not_convert"].push_back("model.layers.*.mlp.experts");
  EXPECT_FALSE(parse_model_config(doc, "g.json", "g").native_expert_dtype.has_value());
  // Ignored numerics parse.
  doc = oss_json();
  doc["swiglu_limit"] = 5.0;
  EXPECT_EQ(parse_model_config(doc, "g.json", "g").hidden_size, kH);
}

// ---------------------------------------------------------------------------------------------
// Parameters

TEST(GptOssParams, TotalsMatchClosedFormAndPublishedFigures) {
  // Closed form from the dimensions: attention (Q, K, V, O with biases, one sink per head),
  // experts (gate+up 2H x I, down I x H, biases 2I + H), router (E x H + E bias), embedding and
  // unembedding, 2L + 1 RMSNorm weights.
  const std::int64_t q = kHeads * kD;
  const std::int64_t attention = kH * (q + 2 * kKvDim) + q * kH + (q + 2 * kKvDim) + kH + kHeads;
  const std::int64_t expert = 3 * kH * kI + 2 * kI + kH;
  const std::int64_t router = kE * kH + kE;
  const std::int64_t embed = kV * kH;
  const std::int64_t norms = (2 * kL + 1) * kH;
  const std::int64_t total = kL * (attention + kE * expert + router) + 2 * embed + norms;
  const std::int64_t active = kL * (attention + kTopK * expert + router) + 2 * embed + norms;

  const ParameterCount p = count_parameters(oss());
  EXPECT_EQ(p.total, total);
  EXPECT_EQ(p.active, active);
  EXPECT_EQ(p.total, 116'829'156'672);

  // OpenAI's gpt-oss-120b model card (arXiv:2508.10925, table 1): 116.83 B total parameters and
  // 5.13 B active per token, where "active" leaves out the embedding table (a gather, not a
  // matmul) but counts the unembedding. Restated as 116.8 B / 5.1 B on OpenAI's model page and
  // the Hugging Face card.
  EXPECT_NEAR(static_cast<double>(p.total), 116.83e9, 0.01 * 116.83e9);
  EXPECT_NEAR(static_cast<double>(p.active - p.embedding), 5.13e9, 0.01 * 5.13e9);
}

TEST(GptOssParams, ExpertsInMxfp4SaveTheirBytes) {
  const ModelConfig m = oss();
  // The experts' matrices: L x E x 3 x H x I elements; FP8 one byte each, MXFP4 half a byte plus
  // one scale byte per 32 (every matrix divides by 32).
  const std::uint64_t elements = u(kL * kE * 3 * kH * kI);
  const std::uint64_t fp8 = model_weight_bytes(m, DType::kFp8);
  const std::uint64_t mixed = model_weight_bytes(m, DType::kFp8, DType::kFp4);
  EXPECT_EQ(fp8 - mixed, elements - (elements / 2 + elements / 32));
  EXPECT_EQ(model_weight_bytes(m, DType::kFp8, DType::kFp8), fp8);
  // About 63 GB: it fits one Maia 200's 216 GB with room for KV.
  EXPECT_LT(mixed, u(70) * 1000 * 1000 * 1000);
}

// ---------------------------------------------------------------------------------------------
// Quantisation

TEST(GptOssModel, PerTensorClassQuantization) {
  Quantization q = parse_quantization("weights=fp8,experts=fp4,kv=fp8");
  EXPECT_EQ(q.weights, DType::kFp8);
  EXPECT_EQ(q.activations, DType::kBf16);
  EXPECT_EQ(q.kv_cache, DType::kFp8);
  ASSERT_TRUE(q.experts.has_value());
  EXPECT_EQ(*q.experts, DType::kFp4);
  EXPECT_EQ(quantization_text(q), "weights fp8, activations bf16, kv fp8, experts fp4");
  // Without the key experts follow the weights, and the text is as before.
  q = parse_quantization("fp8");
  EXPECT_FALSE(q.experts.has_value());
  EXPECT_EQ(q.expert_weights(), DType::kFp8);
  EXPECT_EQ(quantization_text(q), "weights fp8, activations fp8, kv fp8");
  EXPECT_NE(input_error([] {
              parse_quantization("experts=fp5");
            }).find("quantization 'experts=fp5': experts: datatype must be one of"),
            std::string::npos);
  EXPECT_NE(input_error([] {
              parse_quantization("expert=fp4");
            }).find("unknown key 'expert' (keys: weights, activations, kv, experts)"),
            std::string::npos);

  // The model's MXFP4 checkpoint is the experts' default; an explicit choice wins; a model
  // without one (Mixtral) is left alone.
  EXPECT_EQ(resolve_quantization(oss(), kFp8).expert_weights(), DType::kFp4);
  Quantization bf16_experts = kFp8;
  bf16_experts.experts = DType::kBf16;
  EXPECT_EQ(resolve_quantization(oss(), bf16_experts).expert_weights(), DType::kBf16);
  EXPECT_EQ(resolve_quantization(load_model("mixtral-8x7b", kModels), kFp8), kFp8);
}

// ---------------------------------------------------------------------------------------------
// KV cache

TEST(GptOssKvCache, SlidingLayersKeepOnlyTheirWindow) {
  const ModelConfig m = oss();
  // Closed form: 2 (K and V) x kv_dim x bytes x (full layers x tokens + sliding layers x
  // min(tokens, W)) summed over sequences.
  const auto closed = [](std::int64_t tokens, std::int64_t bytes) {
    return u(2 * kKvDim * bytes * (kFull * tokens + kSliding * std::min(tokens, kW)));
  };
  const std::vector<Sequence> batch = {{4000, 96, true}, {0, 100, true}, {127, 1, true}};
  EXPECT_EQ(kv_cache_bytes(m, DType::kFp8, batch),
            closed(4096, 1) + closed(100, 1) + closed(128, 1));
  EXPECT_EQ(kv_cache_bytes(m, DType::kBf16, batch),
            closed(4096, 2) + closed(100, 2) + closed(128, 2));
  // Below the window every layer holds the whole sequence, as all-full would.
  EXPECT_EQ(kv_cache_bytes(m, DType::kFp8, {{0, 64, true}}),
            kv_cache_bytes(all_full(), DType::kFp8, {{0, 64, true}}));
  // All full: every layer the whole sequence.
  EXPECT_EQ(kv_cache_bytes(all_full(), DType::kFp8, {{4000, 96, true}}), u(2 * kKvDim * kL * 4096));
}

TEST(GptOssKvCache, DecodeReadsFewerKvBytesThanAllFull) {
  // One decode step of the Done-when batch: 16 sequences at 4096 + 127 cached tokens.
  const std::vector<Sequence> decode(16, Sequence{4096 + 127, 1, true});
  const Quantization q = resolve_quantization(oss(), kFp8);
  const OperatorGraph g = build_iteration_graph(oss(), q, decode);
  const OperatorGraph full = build_iteration_graph(all_full(), q, decode);
  // Closed form of the attention reads: K and V of the keys each query attends to, the window
  // in a sliding layer.
  const std::uint64_t per_seq_full = 2 * u(kKvDim) * u(4096 + 128);
  const std::uint64_t per_seq_sliding = 2 * u(kKvDim) * u(kW);
  EXPECT_EQ(g.total().kv_read_bytes,
            16 * (u(kFull) * per_seq_full + u(kSliding) * per_seq_sliding));
  EXPECT_EQ(full.total().kv_read_bytes, 16 * u(kL) * per_seq_full);
  EXPECT_LT(g.total().kv_read_bytes, full.total().kv_read_bytes);

  // Each layer's attention carries its own window and the sinks; the experts are MXFP4 GEMMs and
  // the router has its bias.
  const auto& sliding = std::get<AttentionShape>(find_op(g, "attention", 0).shape);
  const auto& dense = std::get<AttentionShape>(find_op(g, "attention", 1).shape);
  EXPECT_EQ(sliding.window, kW);
  EXPECT_EQ(dense.window, 0);
  EXPECT_TRUE(sliding.sinks && dense.sinks);
  EXPECT_EQ(find_op(g, "attention", 0).cost.weight_bytes, u(2 * kHeads));  // BF16 sinks
  EXPECT_NE(find_op(g, "attention", 0).signature.find(" sinks"), std::string::npos);
  EXPECT_NE(g.layer_signature(0), g.layer_signature(1));
  EXPECT_EQ(g.layer_signature(0), g.layer_signature(2));
  bool saw_expert = false;
  for (const auto& op : g.ops)
    if (op.layer == 0 && op.name.starts_with("expert") && op.name.ends_with(".down")) {
      EXPECT_EQ(std::get<GemmShape>(op.shape).b_dtype, DType::kFp4) << op.name;
      saw_expert = true;
    }
  EXPECT_TRUE(saw_expert);
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "qkv_proj", 0).shape).b_dtype, DType::kFp8);
  EXPECT_EQ(find_op(g, "router", 0).cost.weight_bytes, u(kE * kH) + 2 * u(kE));
}

TEST(GptOssKvCache, ServingPoolsHoldFullLayersAndReserveWindows) {
  const ModelConfig m = oss();
  const KvPools p = kv_pools(m, DType::kFp8, 16, 256);
  EXPECT_EQ(p.pooled_layers, kFull);
  EXPECT_EQ(p.windowed_layers, kSliding);
  EXPECT_EQ(p.block_bytes, u(16 * 2 * kKvDim * kFull));
  // ceil(128 / 16) + 1 = 9 blocks of 16 tokens per sequence in every sliding layer.
  EXPECT_EQ(p.window_reserve_bytes, u(256) * u(9 * 16 * 2 * kKvDim * kSliding));
  // A model without layer_types: every layer pooled, nothing reserved (as before).
  const ModelConfig llama = test::llama8b();
  const KvPools l = kv_pools(llama, DType::kFp8, 16, 256);
  EXPECT_EQ(l.block_bytes, kv_cache_bytes(llama, DType::kFp8, {{0, 16, true}}));
  EXPECT_EQ(l.window_reserve_bytes, 0u);

  // On one Maia 200's HBM the gpt-oss scheduler holds more 32k-token sequences than all-full.
  const std::uint64_t hbm = 216ull * 1000 * 1000 * 1000;
  const Quantization q = resolve_quantization(m, kFp8);
  const ServingOptions o;
  const SchedulerConfig c = serving_scheduler_config(hbm, m, q, o);
  const SchedulerConfig f = serving_scheduler_config(hbm, all_full(), q, o);
  const std::int64_t per_seq = 32768 / 16;
  EXPECT_GT(c.kv_blocks / per_seq, f.kv_blocks / per_seq);
  // The pool's bytes: gpt-oss's blocks are half the size, less the windows' reservation.
  EXPECT_GT(c.kv_blocks, f.kv_blocks * 19 / 10);
}

// ---------------------------------------------------------------------------------------------
// CLI

std::string cli(const std::string& args, const fs::path& log) {
  return std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '") + MAIA_CLI + "' " + args + " > '" +
         log.string() + "' 2>&1";
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(GptOssModel, CliRunsOnOneChipWithFp4Experts) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("gpt_oss_cli_{}", ::getpid());
  fs::create_directories(dir);
  const fs::path log = dir / "log";
  // The Done-when command at a smaller batch and prompt (docs/inference.md has the full one).
  int rc = std::system(cli("run --model gpt-oss-120b --batch 2 --prompt 512 --gen 4 --out '" +
                               (dir / "out").string() + "'",
                           log)
                           .c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  ASSERT_EQ(WEXITSTATUS(rc), 0) << read_all(log);
  const Json s = JsonReader::parse_file((dir / "out" / "summary.json").string());
  EXPECT_EQ(s["quantization"]["experts"], "fp4");
  EXPECT_EQ(s["quantization"]["weights"], "fp8");
  EXPECT_NE(read_all(log).find("experts fp4"), std::string::npos) << read_all(log);

  // A sliding window of 0: exit 2, the file, path, rule and value.
  Json bad = oss_json();
  bad["sliding_window"] = 0;
  const fs::path file = dir / "bad.json";
  std::ofstream(file) << bad.dump();
  rc = std::system(
      cli("run --model '" + file.string() + "' --batch 1 --prompt 16 --gen 1", log).c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  EXPECT_NE(read_all(log).find("bad.json: sliding_window: must be >= 1, got 0"), std::string::npos)
      << read_all(log);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
