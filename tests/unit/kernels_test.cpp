// Kernels and the operator executor: conservation of bytes and FLOPs, roofline bounds, reuse.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <variant>

#include <nlohmann/json.hpp>
#include <systemc>

#include "maia/compiler/op_executor.hpp"
#include "maia/config/chip_config.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/kernels/attention_kernel.hpp"
#include "maia/kernels/vector_kernel.hpp"
#include "maia/program/vector_functions.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/parameters.hpp"

namespace maia {
namespace {

// A Llama-3.1-8B FP8 decode iteration of `n` sequences after `context` cached tokens each.
OperatorGraph llama8b_decode(std::size_t n, std::int64_t context) {
  const ModelConfig model =
      load_model("llama-3.1-8b", std::string(MAIA_SOURCE_DIR) + "/configs/models");
  const Quantization q{DType::kFp8, DType::kFp8, DType::kFp8};
  return build_iteration_graph(model, q, std::vector<Sequence>(n, Sequence{context, 1, true}));
}

TEST(VectorKernel, MovesEveryByteOnceAndComputesEveryElement) {
  const ChipConfig cfg;
  const VectorSpec spec{"swiglu", 64 * 14336, 64, 2, DType::kBf16, DType::kBf16, {}};
  const ProgramResult r = run_program(cfg, build_vector_kernel(cfg, spec));
  const double in =
      static_cast<double>(dtype_bytes(spec.dtype, static_cast<std::uint64_t>(spec.elements)));
  EXPECT_DOUBLE_EQ(r.hbm_read_bytes, 2 * in);
  EXPECT_DOUBLE_EQ(r.hbm_write_bytes, in);
  EXPECT_DOUBLE_EQ(r.tvp_flops, static_cast<double>(spec.elements) *
                                    find_vector_function("swiglu")->flops_per_element);
  // Never faster than HBM can move the bytes.
  EXPECT_GE(r.time_ns, 3 * in / hbm_peak_gbps(cfg.hbm));
}

TEST(VectorKernel, RowWiseFunctionsKeepRowsWhole) {
  const ChipConfig cfg;
  // Three rows of a large vocabulary: softmax needs each row in one tile.
  const VectorSpec spec{"softmax", 3 * 128256, 3, 1, DType::kBf16, DType::kBf16, {}};
  const Program p = build_vector_kernel(cfg, spec);
  int tvp_queues = 0;
  for (const auto& q : p.queues)
    if (q.engine == EngineKind::kTvp) {
      ++tvp_queues;
      for (const auto& in : q.instructions) EXPECT_EQ(in.elements % 128256, 0);
    }
  EXPECT_EQ(tvp_queues, 3);
}

// Decode attention reads each sequence's K and V exactly once, and the TTU does QK^T and PV
// for every (query row, key) pair. KV partitions (flash-decoding) each read Q and write a
// partial O, so Q reads equal O writes and are whole multiples of one item's Q block.
TEST(AttentionKernel, DecodeReadsTheKvCacheOnceAndDoesAllPairs) {
  const ChipConfig cfg;
  AttentionSpec s;
  s.sequences = {{1, 2048}, {1, 1000}, {1, 513}};
  s.heads = 32;
  s.kv_heads = 8;
  s.head_dim = 128;
  s.q_dtype = s.kv_dtype = DType::kFp8;
  const ProgramResult r = run_program(cfg, build_attention_kernel(cfg, s));
  double kv = 0, q = 0, pairs = 0;
  for (const auto& seq : s.sequences) {
    kv += 2.0 * static_cast<double>(seq.kv_tokens * s.kv_heads * s.head_dim);  // K and V, 1 B each
    q += static_cast<double>(seq.q_tokens * s.heads * s.head_dim);
    pairs += static_cast<double>(seq.q_tokens * s.heads * seq.kv_tokens);
  }
  const double q_reads = r.hbm_read_bytes - kv;
  const double item_q = static_cast<double>(s.heads / s.kv_heads * s.head_dim);
  EXPECT_GE(q_reads, q);
  EXPECT_DOUBLE_EQ(q_reads, r.hbm_write_bytes);
  EXPECT_DOUBLE_EQ(std::fmod(q_reads, item_q), 0.0);
  EXPECT_DOUBLE_EQ(r.ttu_flops, 4.0 * static_cast<double>(s.head_dim) * pairs);
  EXPECT_GE(r.time_ns, (r.hbm_read_bytes + r.hbm_write_bytes) / hbm_peak_gbps(cfg.hbm));
}

TEST(AttentionKernel, LongerContextTakesLonger) {
  const ChipConfig cfg;
  ChipSession session(cfg);
  AttentionSpec s;
  s.heads = 64;
  s.kv_heads = 8;
  s.head_dim = 128;
  s.sequences.assign(8, {1, 512});
  const double short_ctx = session.run(build_attention_kernel(cfg, s)).time_ns;
  s.sequences.assign(8, {1, 8192});
  const double long_ctx = session.run(build_attention_kernel(cfg, s)).time_ns;
  EXPECT_GT(long_ctx, 4 * short_ctx);
}

// The flash-attention work on the TVP, counted by hand: per item (sequence, KV head; 144 items
// fill the 36 tiles four times, so no KV range is split), an online softmax over every block's
// rows x keys, a rescale of O (rows x value_dim, FP32) before every block's P V but the first,
// and one final normalisation of O.
TEST(AttentionKernel, OnlineSoftmaxRescalesOBeforeEveryBlockButTheFirst) {
  const ChipConfig cfg;
  AttentionSpec s;
  s.heads = 32;
  s.kv_heads = 8;
  s.head_dim = 128;
  s.q_dtype = s.kv_dtype = DType::kFp8;
  s.sequences.assign(18, {1, 2048});  // 18 x 8 KV heads = 144 items, 4 blocks of 512 keys
  const ProgramResult r = run_program(cfg, build_attention_kernel(cfg, s));
  const double tvp_elements = sum_stat(r.modules, ".tvp", "elements");
  const double items = 144, rows = 4 /* 1 query x 4 heads per KV head */, blocks = 4, dv = 128;
  const double per_item = blocks * rows * 512 + (blocks - 1) * rows * dv + rows * dv;
  EXPECT_DOUBLE_EQ(tvp_elements, items * per_item);
}

// FP8 prefill attention is bound by the softmax on the vector unit; FP32 scores run the
// exponentials on half the lanes and move twice the score bytes through TSRAM, so it is slower.
TEST(AttentionKernel, Fp32ScoresAreSlowerForFp8Prefill) {
  AttentionSpec s;
  s.heads = 32;
  s.kv_heads = 8;
  s.head_dim = 128;
  s.q_dtype = s.kv_dtype = DType::kFp8;
  s.sequences = {{2048, 2048}};
  const ChipConfig cfg;
  ChipSession session(cfg);
  const ProgramResult bf16 = session.run(build_attention_kernel(cfg, s));
  s.score_dtype = DType::kFp32;
  const ProgramResult fp32 = session.run(build_attention_kernel(cfg, s));
  EXPECT_GT(fp32.time_ns, 1.2 * bf16.time_ns);
  EXPECT_GT(fp32.tsram_read_bytes, bf16.tsram_read_bytes);
  EXPECT_DOUBLE_EQ(fp32.ttu_flops, bf16.ttu_flops);
}

// Decode attention over neighbouring context lengths moves nearly the same bytes, so it takes
// nearly the same time. With the plain address map some lengths put every item's K and V blocks a
// multiple of the map's period apart, in the same banks and different rows (a cliff: 16,417 keys
// took 2.9x as long as 16,402); bank and channel hashing removes it (docs/microbenchmarks.md).
const std::vector<std::int64_t> kNeighbourLengths = {16402, 16408, 16414, 16417, 16420};

// Llama-3.1-8B's 16-decode attention (FP8 KV cache) at each of kNeighbourLengths, in one session
// (SystemC elaborates one chip per process; each kernel starts from idle HBM banks).
std::vector<double> decode_attention_times(const char* hash) {
  ChipConfig cfg;
  cfg.hbm.address_hash = hash;
  AttentionSpec s;
  s.heads = 32;
  s.kv_heads = 8;
  s.head_dim = 128;
  s.q_dtype = s.kv_dtype = DType::kFp8;
  ChipSession session(cfg);
  std::vector<double> t;
  for (const std::int64_t len : kNeighbourLengths) {
    s.sequences.assign(16, {1, len});
    t.push_back(session.run(build_attention_kernel(cfg, s)).time_ns);
  }
  return t;
}

TEST(AttentionKernel, NoCliffsBetweenNeighbouringContextLengths) {
  const std::vector<double> t = decode_attention_times("xor");
  for (std::size_t i = 1; i < t.size(); ++i)
    EXPECT_LT(std::max(t[i], t[i - 1]) / std::min(t[i], t[i - 1]), 1.10)
        << kNeighbourLengths[i - 1] << " and " << kNeighbourLengths[i] << " keys";
}

// The mechanism the test above guards against: without hashing, 16,417 keys is a cliff.
TEST(AttentionKernel, PlainAddressMapHasTheCliff) {
  const std::vector<double> t = decode_attention_times("none");
  EXPECT_GT(t[3] / t[0], 1.5);
}

// Every operator of a Llama-3.1-8B decode iteration lowers to a valid program, runs no faster
// than its roofline, and identical layers are simulated once.
TEST(OpExecutor, DecodeIterationRespectsRooflinesAndReusesLayers) {
  const ChipConfig cfg;
  const OperatorGraph g = llama8b_decode(4, 512);
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  exec.set_overlap(false);  // one phase per operator: each has its own time to compare
  const IterationResult r = run_iteration(exec, g);
  ASSERT_EQ(r.ops.size(), g.ops.size());
  for (const auto& m : r.ops) {
    EXPECT_GE(m.time_ns, m.roofline_ns * (1 - 1e-9)) << m.name;
    EXPECT_GT(m.time_ns, 0) << m.name;
  }
  // 32 identical layers: only the first layer's operators (and those outside layers) simulate.
  EXPECT_LT(exec.simulated(), g.ops.size() / 16);
  EXPECT_EQ(exec.simulated() + exec.reused(), g.ops.size());
}

// Operator phases start from a canonical chip state (aligned to the HBM refresh interval, rows
// closed), so an operator measures the same whatever ran before it: memoised measurements are
// then reusable anywhere. A mutation that drops the canonical start fails this (the attention
// reads rows the previous operators left open or closed, and refresh falls elsewhere).
TEST(OpExecutor, MeasurementDoesNotDependOnWhatRanBefore) {
  const ChipConfig cfg;
  const OperatorGraph g = llama8b_decode(8, 4000);
  const auto find = [&](const std::string& name) {
    for (const auto& op : g.ops)
      if (op.name == name) return op;
    throw std::logic_error("no " + name);
  };
  const Operator attention = find("attention"), gate = find("gate"), norm = find("attn_norm");
  ChipSession session(cfg);
  OpExecutor exec(session, cfg, /*memoize=*/false);
  const double first = exec.run(attention).time_ns;
  exec.run(gate);
  const double after_gemm = exec.run(attention).time_ns;
  exec.run(norm);
  exec.run(norm);
  const double after_norms = exec.run(attention).time_ns;
  EXPECT_EQ(after_gemm, first);
  EXPECT_EQ(after_norms, first);
}

// Weight prefetch moves the first weight panels of a GEMM into the previous operator's phase:
// the same bytes cross HBM (conservation), prefetched GEMMs read less in their own phase, and
// every operator still respects its roofline.
TEST(OpExecutor, WeightPrefetchMovesBytesIntoThePreviousOperator) {
  const ChipConfig cfg;
  const OperatorGraph g = llama8b_decode(4, 512);
  ChipSession session(cfg);
  OpExecutor plain(session, cfg, /*memoize=*/false, /*prefetch=*/false);
  plain.set_overlap(false);
  const IterationResult a = run_iteration(plain, g);
  OpExecutor fetching(session, cfg, /*memoize=*/false, /*prefetch=*/true);
  fetching.set_overlap(false);  // the prefetch is the serial mode's
  const IterationResult b = run_iteration(fetching, g);
  double bytes_a = 0, bytes_b = 0;
  int prefetched = 0;
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    bytes_a += a.ops[i].hbm_bytes;
    bytes_b += b.ops[i].hbm_bytes;
    EXPECT_GE(b.ops[i].time_ns, b.ops[i].roofline_ns * (1 - 1e-9)) << b.ops[i].name;
    if (b.ops[i].prefetched) {
      ++prefetched;
      EXPECT_TRUE(b.ops[i - 1].prefetches_next);
    }
    // An operator that only receives a prefetch reads less HBM in its own phase; one that only
    // performs one reads more.
    if (b.ops[i].prefetched && !b.ops[i].prefetches_next) {
      EXPECT_LT(b.ops[i].hbm_bytes, a.ops[i].hbm_bytes) << b.ops[i].name;
    }
    if (!b.ops[i].prefetched && b.ops[i].prefetches_next) {
      EXPECT_GT(b.ops[i].hbm_bytes, a.ops[i].hbm_bytes) << b.ops[i].name;
    }
  }
  EXPECT_GT(prefetched, 0);
  EXPECT_DOUBLE_EQ(bytes_a, bytes_b);
}

// "Weights kept in SRAM when they fit": a small model's GEMMs read their weights from CSRAM, so
// a decode iteration moves (almost) no weight bytes from HBM and finishes sooner.
TEST(OpExecutor, SmallModelWeightsStayInSram) {
  nlohmann::json cfg_json = nlohmann::json::parse(
      std::ifstream(std::string(MAIA_SOURCE_DIR) + "/configs/models/llama-3.1-8b.json"));
  cfg_json["hidden_size"] = 512;
  cfg_json["intermediate_size"] = 1024;
  cfg_json["num_hidden_layers"] = 2;
  cfg_json["num_attention_heads"] = 8;
  cfg_json["num_key_value_heads"] = 8;
  cfg_json["vocab_size"] = 2048;
  const std::string file =
      (std::filesystem::temp_directory_path() / "maia-tiny-llama.json").string();
  std::ofstream(file) << cfg_json.dump();
  const ModelConfig model = load_model(file, std::string(MAIA_SOURCE_DIR) + "/configs/models");
  const Quantization q{DType::kFp8, DType::kFp8, DType::kFp8};
  const ChipConfig cfg;
  ASSERT_TRUE(weights_fit_sram(cfg, model_weight_bytes(model, q.weights)));
  ASSERT_FALSE(weights_fit_sram(cfg, 8'000'000'000ull));  // an 8 GB model streams
  const OperatorGraph g =
      build_iteration_graph(model, q, std::vector<Sequence>(4, Sequence{256, 1, true}));
  ChipSession session(cfg);
  OpExecutor streaming(session, cfg, /*memoize=*/false);
  streaming.set_overlap(false);  // compare one phase per operator on both sides
  const IterationResult a = run_iteration(streaming, g);
  OpExecutor resident(session, cfg, /*memoize=*/false);
  resident.set_weights_resident(true);
  const IterationResult b = run_iteration(resident, g);
  double weight_bytes = 0;
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const bool gemm = std::holds_alternative<GemmShape>(g.ops[i].shape);
    EXPECT_EQ(b.ops[i].weights_resident, gemm) << g.ops[i].name;
    if (!gemm) continue;
    weight_bytes += static_cast<double>(g.ops[i].cost.weight_bytes);
    // No weight bytes cross HBM; activations and results still do.
    EXPECT_LT(b.ops[i].hbm_bytes, a.ops[i].hbm_bytes) << g.ops[i].name;
    EXPECT_LE(b.ops[i].hbm_bytes + static_cast<double>(g.ops[i].cost.weight_bytes),
              a.ops[i].hbm_bytes + 1e-6)
        << g.ops[i].name;
  }
  EXPECT_GT(weight_bytes, 0);
  EXPECT_LT(b.time_ns, a.time_ns);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
