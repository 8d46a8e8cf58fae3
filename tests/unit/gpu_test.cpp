// The GPU model, its kernel lowering and GpuBackend. Configs are built here (H100 SXM: the
// in-class values with HBM3; an A100-like variant), and every expected value is a closed form
// written out in the test from the config's numbers, never from the code under test. Each test
// runs in its own process (SystemC elaborates one chip per process).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/backend/gpu_backend.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/gpu_config.hpp"
#include "maia/core/error.hpp"
#include "maia/hw/gpu/gpu_chip.hpp"
#include "maia/kernels/gpu/gpu_gemm_plan.hpp"
#include "maia/report/timeline.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/operator.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// H100 SXM: the in-class values, with HBM3 as five 16 GiB stacks at 5.23 Gb/s per pin
// (5 x 1024 pins x 5.23 / 8 = 3347.2 GB/s, 80 GiB).
GpuConfig h100() {
  GpuConfig c;
  c.hbm.stacks = 5;
  c.hbm.channels_per_stack = 16;
  c.hbm.pseudo_channels = 2;
  c.hbm.sids = 2;
  c.hbm.rows_per_bank = 16384;
  c.hbm.pin_rate_gbps = 5.23;
  return c;
}
constexpr double kH100HbmGbps = 5 * 1024 * 5.23 / 8;

// A100-like: 108 SMs at 1.41 GHz, 1024 FP16 MACs/clk/SM (no FP8), 164 KiB shared memory, 40 MiB
// L2, HBM2e as five stacks of 8 channels x 2 pseudo-channels at 3.2 Gb/s per pin
// (5 x 1024 x 3.2 / 8 = 2048 GB/s, 40 GiB).
GpuConfig a100() {
  GpuConfig c;
  c.name = "a100-like";
  c.clock_ghz = 1.41;
  c.tdp_w = 400;
  c.sm.count = 108;
  c.sm.macs_per_cycle_fp16 = 1024;
  c.sm.macs_per_cycle_fp8 = 0;
  c.sm.shared_memory_bytes = 167936;
  c.l2.bytes = 40 * 1024 * 1024;
  c.hbm.stacks = 5;
  c.hbm.channels_per_stack = 8;
  c.hbm.pseudo_channels = 2;
  c.hbm.sids = 1;
  c.hbm.rows_per_bank = 32768;
  c.hbm.pin_rate_gbps = 3.2;
  c.nvlink.links = 12;
  return c;
}
constexpr double kA100HbmGbps = 5 * 1024 * 3.2 / 8;

Operator make_op(const std::string& name, const OpShape& shape) {
  Operator op;
  op.name = name;
  op.shape = shape;
  op.cost = generic_cost(shape);
  op.signature = op_signature(name, shape);
  return op;
}

Operator gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType t = DType::kFp16) {
  return make_op("gemm", GemmShape{m, n, k, t, t, t});
}

Operator decode_attention(std::int64_t batch, std::int64_t kv) {
  AttentionShape a;
  a.sequences.assign(static_cast<std::size_t>(batch), AttentionSequence{1, kv});
  a.heads = 32;
  a.kv_heads = 8;
  a.head_dim = 128;
  return make_op("attention", a);
}

double gap_ns(const GpuConfig& c) {
  return c.kernel.cuda_graphs == 1 ? c.kernel.graph_launch_gap_ns : c.kernel.launch_gap_ns;
}

double must_move(const OpCost& c) {
  return static_cast<double>(c.weight_bytes + c.activation_read_bytes + c.activation_write_bytes +
                             c.kv_read_bytes + c.kv_write_bytes);
}

// A large FP16 GEMM is compute-bound: never faster than FLOPs at peak, and within the
// achievable fraction, wave quantisation and the pipeline's fill of it. By hand for 8192^3 on the
// A100: 128x256 tiles -> 64 x 32 = 2048 CTAs over 108 slots = 19 waves for 18.96 of work
// (factor 1.002); 128x128 -> 4096 over 108 = 38 for 37.93 (1.002). Allow 5 % for quantisation
// and 5 % for the prologue / epilogue.
TEST(GpuGemm, LargeGemmIsComputeBoundOnA100) {
  const GpuConfig c = a100();
  GpuBackend b(c, {});
  const OpMeasurement m = b.run_operator(gemm(8192, 8192, 8192));
  const double flops = 2.0 * 8192.0 * 8192.0 * 8192.0;
  const double peak = 108.0 * 1024 * 2 * 1.41e9;
  const double at_peak_ns = flops / peak * 1e9;
  const double achievable_ns = at_peak_ns / c.kernel.gemm_efficiency;
  EXPECT_GE(m.time_ns, at_peak_ns);
  EXPECT_GE(m.time_ns, achievable_ns);
  EXPECT_LE(m.time_ns, achievable_ns * 1.05 * 1.05 + gap_ns(c));
  EXPECT_EQ(m.bound, "compute");
  EXPECT_NEAR(m.compute_ns, at_peak_ns, at_peak_ns * 1e-9);
  EXPECT_GE(m.time_ns, m.roofline_ns);
}

// The same on H100: 989.4 TFLOP/s dense FP16 (132 x 2048 x 2 x 1.83 GHz).
TEST(GpuGemm, LargeGemmIsComputeBoundOnH100) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  const OpMeasurement m = b.run_operator(gemm(8192, 8192, 8192));
  const double flops = 2.0 * 8192.0 * 8192.0 * 8192.0;
  const double at_peak_ns = flops / (132.0 * 2048 * 2 * 1.83e9) * 1e9;
  EXPECT_GE(m.time_ns, at_peak_ns / c.kernel.gemm_efficiency);
  EXPECT_LE(m.time_ns, at_peak_ns / c.kernel.gemm_efficiency * 1.05 * 1.05 + gap_ns(c));
}

// A GEMV (m = 1) streams its weights once: time ~ weight bytes at the achievable HBM rate.
TEST(GpuGemm, GemvIsMemoryBound) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  const OpMeasurement m = b.run_operator(gemm(1, 8192, 8192));
  const double weight_bytes = 8192.0 * 8192.0 * 2;
  const double expected = gap_ns(c) + weight_bytes / (kH100HbmGbps * c.kernel.memory_efficiency);
  EXPECT_GE(m.time_ns, weight_bytes / kH100HbmGbps);
  EXPECT_GE(m.time_ns, expected * 0.99);
  EXPECT_LE(m.time_ns, expected * 1.10);
  EXPECT_EQ(m.bound, "hbm");
}

// Wave quantisation: 128x128 tiles only, one resident CTA per SM (4 stages x 24 KiB), no
// split-K. 1 x 108 tiles fill one wave of the A100's 108 SMs; 1 x 109 need a second wave for one
// tile, which runs on its own as long as a tile of the first: about twice the time. FP8 weights
// (FP16 MMA: the A100 has no FP8 tensor rate) halve B's bytes so that the wave is compute-bound:
// B = 8192 x 13824 B at 2048 x 0.9 GB/s = 61 us < one tile's 116 us.
TEST(GpuGemm, OneTileMoreThanSmsTakesTwoWaves) {
  GpuConfig c = a100();
  c.kernel.cta_tile_m = {128};
  c.kernel.cta_tile_n = {128};
  c.kernel.max_split_k = 1;
  GpuBackend b(c, {});
  const auto shape = [](std::int64_t n) {
    return make_op("gemm", GemmShape{128, n, 8192, DType::kFp16, DType::kFp8, DType::kFp16});
  };
  const double one = b.run_operator(shape(128 * 108)).time_ns - gap_ns(c);
  const double two = b.run_operator(shape(128 * 109)).time_ns - gap_ns(c);
  // One tile's main loop at the achievable rate: 128 x 128 x 8192 MACs / (1024 x 0.8) cycles.
  const double tile_ns = 128.0 * 128 * 8192 / (1024 * c.kernel.gemm_efficiency) / 1.41;
  EXPECT_GE(one, tile_ns);
  EXPECT_LE(one, tile_ns * 1.05);
  EXPECT_GE(two, 2 * tile_ns);
  EXPECT_GE(two, 1.9 * one);
  EXPECT_LE(two, 2.05 * one);
}

// Split-K: a 128 x 128 output with a deep K is one tile; splitting K over the SMs beats running
// it on one SM (128 x 128 x 65536 MACs at 2048 x 0.8 per cycle, 1.83 GHz: 358 us).
TEST(GpuGemm, SplitKFillsTheSmsWhenTilesAreFew) {
  const GpuConfig c = h100();
  const GpuGemmPlan p =
      choose_gpu_gemm_plan(c, GemmShape{128, 128, 65536, DType::kFp16, DType::kFp16, DType::kFp16});
  EXPECT_GT(p.split_k, 1);
  EXPECT_LE(p.split_k, c.kernel.max_split_k);
  GpuBackend b(c, {});
  const double one_sm_ns = 128.0 * 128 * 65536 / (2048 * c.kernel.gemm_efficiency) / 1.83;
  const OpMeasurement m = b.run_operator(gemm(128, 128, 65536));
  EXPECT_LT(m.time_ns, 0.5 * one_sm_ns);
  EXPECT_GE(m.time_ns, m.roofline_ns);
}

// L2 reuse at the chip: two waves of CTAs (one per SM each, shared memory full) read the same
// blocks of one operand, CTA i and CTA i + 108 block i. When the operand fits in L2 the second
// wave hits and HBM moves it once; when it does not, LRU has evicted each block before its
// second reader and HBM moves it twice.
GpuKernel two_wave_reads(const GpuConfig& c, std::uint64_t block_bytes) {
  GpuKernel k;
  k.name = "reuse";
  k.smem_bytes_per_cta = c.sm.shared_memory_bytes;
  const auto sms = static_cast<std::uint64_t>(c.sm.count);
  k.operands = {{"x", block_bytes * sms, block_bytes}};
  for (std::uint64_t i = 0; i < 2 * sms; ++i) {
    GpuCta cta;
    cta.reads = {{0, i % sms, block_bytes, 0}};
    k.ctas.push_back(cta);
  }
  return k;
}

TEST(GpuL2, OperandThatFitsIsReadFromHbmOnce) {
  const GpuConfig c = a100();
  GpuChip gpu("gpu", c);
  const std::uint64_t fits = 256 * 1024;      // 108 x 256 KiB = 27 MiB < 40 MiB
  const std::uint64_t too_big = 1024 * 1024;  // 108 MiB > 40 MiB
  const GpuKernelRun small = gpu.run(two_wave_reads(c, fits), gpu.canonical_start(0));
  const GpuKernelRun large = gpu.run(two_wave_reads(c, too_big), gpu.canonical_start(small.end));
  EXPECT_EQ(small.waves, 2);
  EXPECT_EQ(small.hbm_read_bytes, 108 * fits);
  EXPECT_EQ(small.l2_hit_bytes, 108 * fits);
  EXPECT_EQ(large.hbm_read_bytes, 2 * 108 * too_big);
  EXPECT_EQ(large.l2_hit_bytes, 0u);
}

// Through the backend: a GEMM whose B (2048 x 2048 FP16 = 8 MiB) fits in L2 moves about its
// compulsory bytes (A + B + C) from HBM; with B of 8192 x 8192 (128 MiB) B is re-read per wave.
TEST(GpuL2, GemmWeightsReusedAcrossWavesOnlyWhenTheyFit) {
  const GpuConfig c = a100();
  GpuBackend b(c, {});
  const OpMeasurement fits = b.run_operator(gemm(8192, 2048, 2048));
  const double compulsory = (8192.0 * 2048 * 2) * 2 + 2048.0 * 2048 * 2;
  EXPECT_GE(fits.hbm_bytes, compulsory);
  EXPECT_LE(fits.hbm_bytes, compulsory * 1.05);
  const OpMeasurement big = b.run_operator(gemm(8192, 8192, 8192));
  const double big_compulsory = 3 * 8192.0 * 8192 * 2;
  EXPECT_GT(big.hbm_bytes, big_compulsory * 1.5);
}

// Monotonicity: more work never takes less time.
TEST(GpuGemm, TimeGrowsWithMNK) {
  GpuBackend b(h100(), {});
  const std::vector<std::int64_t> sizes = {1, 16, 128, 1024, 4096};
  double prev_m = 0, prev_n = 0, prev_k = 0;
  for (std::int64_t s : sizes) {
    const double tm = b.run_operator(gemm(s, 4096, 4096)).time_ns;
    const double tn = b.run_operator(gemm(512, s * 4, 4096)).time_ns;
    const double tk = b.run_operator(gemm(512, 4096, s * 4)).time_ns;
    EXPECT_GE(tm, prev_m) << "m = " << s;
    EXPECT_GE(tn, prev_n) << "n = " << s * 4;
    EXPECT_GE(tk, prev_k) << "k = " << s * 4;
    prev_m = tm;
    prev_n = tn;
    prev_k = tk;
  }
}

TEST(GpuAttention, DecodeTimeGrowsWithKvLength) {
  GpuBackend b(h100(), {});
  double prev = 0;
  for (std::int64_t kv : {128, 512, 2048, 8192, 32768}) {
    const double t = b.run_operator(decode_attention(8, kv)).time_ns;
    EXPECT_GT(t, prev) << "kv = " << kv;
    prev = t;
  }
}

// Decode attention reads the KV cache once: 32 sequences x 4096 keys x 8 KV heads x 128 x 2
// (K and V) x 2 bytes = 512 MiB at the achievable HBM rate (plus Q and O, and the launch gap).
TEST(GpuAttention, DecodeReadsTheKvCacheOnceAtHbmRate) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  const Operator op = decode_attention(32, 4096);
  const double kv_bytes = 32.0 * 4096 * 8 * 128 * 2 * 2;
  ASSERT_EQ(static_cast<double>(op.cost.kv_read_bytes), kv_bytes);
  const OpMeasurement m = b.run_operator(op);
  const double expected =
      gap_ns(c) + must_move(op.cost) / (kH100HbmGbps * c.kernel.memory_efficiency);
  EXPECT_GE(m.time_ns, expected * 0.99);
  EXPECT_LE(m.time_ns, expected * 1.10);
  EXPECT_GE(m.hbm_bytes, kv_bytes);
  EXPECT_LE(m.hbm_bytes, kv_bytes * 1.02);
}

// MLA's absorbed decode (DeepSeek-V3): 128 query heads over one latent KV head of 576 values,
// the value its leading 512. The latent is read once: 16 sequences x 4096 keys x 576 bytes
// (FP8), against 576 + 512 per key when the same shape keeps V apart.
TEST(GpuAttention, LatentDecodeReadsTheLatentOnce) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  AttentionShape a;
  a.sequences.assign(16, AttentionSequence{1, 4096});
  a.heads = 128;
  a.kv_heads = 1;
  a.head_dim = 576;
  a.v_head_dim = 512;
  a.latent_kv = true;
  a.q_dtype = a.kv_dtype = DType::kFp8;
  AttentionShape split = a;
  split.latent_kv = false;
  const double latent = 16.0 * 4096 * 576, values = 16.0 * 4096 * 512;
  const OpMeasurement m = b.run_operator(make_op("attention", a));
  const OpMeasurement n = b.run_operator(make_op("attention", split));
  // Beside the latent: Q, O and the split-KV partials (16 sequences fill 16 of 132 SMs, so the
  // keys are split and each split writes 128 x (512 + 1) FP32 values), the same for both.
  EXPECT_GE(m.hbm_bytes, latent);
  EXPECT_GE(n.hbm_bytes - m.hbm_bytes, values * 0.99);
  EXPECT_LE(n.hbm_bytes - m.hbm_bytes, values * 1.01);
  // 128 heads over 4096 keys is compute-heavy: the bytes saved need not show in time; the latent
  // form is not slower beyond the HBM model's access-pattern noise (bank hashing: +1%).
  EXPECT_LT(m.time_ns, n.time_ns * 1.02);
}

// Prefill attention is compute-bound: 4 x pairs x head_dim x heads FLOPs at the achievable
// attention rate. One 4096-token causal prompt: pairs = 4096 x 4097 / 2.
TEST(GpuAttention, PrefillIsAtLeastItsFlopsAtTheAchievableRate) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  AttentionShape a;
  a.sequences = {{4096, 4096}};
  a.heads = 32;
  a.kv_heads = 8;
  a.head_dim = 128;
  const OpMeasurement m = b.run_operator(make_op("attention", a));
  const double flops = 4.0 * (4096.0 * 4097 / 2) * 128 * 32;
  const double peak = 132.0 * 2048 * 2 * 1.83e9;
  EXPECT_GE(m.time_ns, flops / (peak * c.kernel.attention_efficiency) * 1e9);
  // Longest blocks first and two resident CTAs per SM (one's softmax under the other's MMAs):
  // within 25 % of the tensor time.
  EXPECT_LE(m.time_ns, 1.25 * flops / (peak * c.kernel.attention_efficiency) * 1e9);
}

// All-reduce over 8 GPUs of 8 Mi BF16 values (16 MiB): a ring of 2 (N - 1) = 14 steps, each
// moving B / N = 2 MiB at 18 x 25 GB/s per direction (rounded up to a ps), plus 1 us latency.
TEST(GpuCollective, AllReduceFollowsTheRingFormula) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  const OpMeasurement ar = b.run_operator(
      make_op("allreduce", CollectiveShape{CollectiveKind::kAllReduce, 8 << 20, 8, DType::kBf16}));
  const double chunk = 2.0 * (8 << 20) / 8;
  const double step_ns = std::ceil(chunk * 1000 / (18 * 25.0)) / 1000 + 1000;
  EXPECT_NEAR(ar.time_ns, gap_ns(c) + 14 * step_ns, 0.01);
  const OpMeasurement ag = b.run_operator(
      make_op("allgather", CollectiveShape{CollectiveKind::kAllGather, 8 << 20, 8, DType::kBf16}));
  EXPECT_NEAR(ag.time_ns, gap_ns(c) + 7 * step_ns, 0.01);
  EXPECT_EQ(ar.bound, "network");
}

// Launch gaps: every kernel starts one gap after the previous one ended (the timeline shows
// each operator's kernel starting its gap after the operator), so a graph of N operators spends
// N gaps; CUDA graphs replace launch_gap_ns by the smaller graph_launch_gap_ns.
double gap_seen(std::int64_t cuda_graphs) {
  GpuConfig c = h100();
  c.kernel.cuda_graphs = cuda_graphs;
  GpuBackend b(c, {});
  Timeline tl;
  b.set_timeline(&tl);
  OperatorGraph g;
  g.name = "adds";
  for (int i = 0; i < 5; ++i) g.ops.push_back(make_op("add", VectorShape{"add", 1 << 20, 1}));
  const IterationResult r = b.run_graph(g);
  EXPECT_EQ(b.operators_simulated(), 1u);
  EXPECT_EQ(b.operators_reused(), 4u);
  double sum = 0;
  for (const auto& m : r.ops) sum += m.time_ns;
  EXPECT_DOUBLE_EQ(r.time_ns, sum);
  std::ostringstream out;
  tl.write(out);
  const auto j = nlohmann::json::parse(out.str());
  std::vector<double> op_start, kernel_start, kernel_end;
  for (const auto& e : j["traceEvents"]) {
    if (e.value("ph", "") != "X") continue;
    if (e["name"] == "add" && e.contains("args") && e["args"].contains("operator")) {
      kernel_start.push_back(e["ts"].get<double>() * 1000);
      kernel_end.push_back((e["ts"].get<double>() + e["dur"].get<double>()) * 1000);
    } else if (e["name"] == "add") {
      op_start.push_back(e["ts"].get<double>() * 1000);
    }
  }
  EXPECT_EQ(op_start.size(), 5u);
  EXPECT_EQ(kernel_start.size(), 5u);
  double gaps = 0;
  for (std::size_t i = 0; i < kernel_start.size() && i < op_start.size(); ++i)
    gaps += kernel_start[i] - op_start[i];
  // The whole iteration: its kernels' durations plus the gaps.
  double kernels = 0;
  for (std::size_t i = 0; i < kernel_start.size(); ++i) kernels += kernel_end[i] - kernel_start[i];
  EXPECT_NEAR(r.time_ns, kernels + gaps, 5 * 2.0);  // timeline rounds to whole ns
  return gaps / 5;
}

TEST(GpuLaunch, GapsAddUpWithoutCudaGraphs) {
  EXPECT_NEAR(gap_seen(0), GpuConfig{}.kernel.launch_gap_ns, 1.0);
}

TEST(GpuLaunch, CudaGraphsShrinkTheGaps) {
  EXPECT_NEAR(gap_seen(1), GpuConfig{}.kernel.graph_launch_gap_ns, 1.0);
  EXPECT_LT(GpuConfig{}.kernel.graph_launch_gap_ns, GpuConfig{}.kernel.launch_gap_ns);
}

// No measurement beats its roofline: a decode and a prefill iteration of Llama 3.1 8B (BF16,
// tensor parallel over 2 so the graph has collectives) with every kind of operator.
TEST(GpuBackend, NoMeasurementBeatsItsRoofline) {
  GpuBackend b(h100(), {});
  ModelConfig model = load_model("llama-3.1-8b", std::string(MAIA_SOURCE_DIR) + "/configs/models");
  model.tensor_parallel = 2;
  const Quantization bf16{DType::kBf16, DType::kBf16, DType::kBf16};
  for (const auto& batch : {std::vector<Sequence>(16, Sequence{1024, 1, true}),
                            std::vector<Sequence>{Sequence{0, 2048, true}}}) {
    const IterationResult r = b.run_graph(build_iteration_graph(model, bf16, batch));
    ASSERT_FALSE(r.ops.empty());
    for (const auto& m : r.ops) {
      EXPECT_GE(m.time_ns, m.roofline_ns) << m.name << " " << m.signature;
      EXPECT_GT(m.time_ns, 0) << m.name;
      EXPECT_LE(m.bound_utilisation, 1.0 + 1e-9) << m.name << " " << m.bound;
    }
  }
}

// Deterministic: with memoisation off the same operator is simulated again from the canonical
// state and gives the same time and bytes; every module reports its traffic.
TEST(GpuBackend, RepeatedSimulationIsIdenticalAndModulesReportStats) {
  GpuBackend b(h100(), BackendOptions{false, false, false});
  const Operator op = gemm(1024, 4096, 4096);
  const OpMeasurement first = b.run_operator(op);
  const OpMeasurement second = b.run_operator(op);
  EXPECT_EQ(first.time_ns, second.time_ns);
  EXPECT_EQ(first.hbm_bytes, second.hbm_bytes);
  EXPECT_EQ(b.operators_simulated(), 2u);
  EXPECT_EQ(b.operators_reused(), 0u);
  double l2 = -1, crossbar = -1, tensor = -1;
  for (const auto& g : b.module_stats()) {
    if (g.name() == "gpu.l2") l2 = g.get("bytes");
    if (g.name() == "gpu.crossbar") crossbar = g.get("bytes");
    if (g.name() == "gpu.sms") tensor = g.get("tensor_busy_ns");
  }
  EXPECT_DOUBLE_EQ(l2, 2 * first.sram_bytes);
  EXPECT_EQ(crossbar, l2);  // every byte an SM moves crosses its port and an L2 partition
  EXPECT_GT(tensor, 0);
}

// Static facts: HBM capacity from the geometry (5 x 16 GiB), no weights on chip, figures.
TEST(GpuBackend, FiguresAndCapacity) {
  GpuBackend b(h100(), {});
  EXPECT_EQ(b.memory_capacity_bytes(), 80ull * 1024 * 1024 * 1024);
  EXPECT_FALSE(b.weights_fit_on_chip(1));
  double bf16 = 0, hbm = 0;
  for (const auto& f : b.figures()) {
    if (f.name == "peak_tflops_bf16") bf16 = f.value;
    if (f.name == "hbm_gbps") hbm = f.value;
  }
  EXPECT_NEAR(bf16, 132.0 * 2048 * 2 * 1.83e9 / 1e12, 1e-9);
  EXPECT_NEAR(hbm, kH100HbmGbps, 1e-9);
  EXPECT_EQ(b.chip_name(), "h100-sxm");
}

// Host transfers cross PCIe: at least the bytes at the link's payload rate plus its latency.
TEST(GpuBackend, HostTransferCrossesPcie) {
  const GpuConfig c = h100();
  GpuBackend b(c, {});
  const double bytes = 64.0 * kMiB;
  const double raw = c.pcie.lanes * c.pcie.gtps_per_lane / 8 * c.pcie.encoding_efficiency;
  const double t = b.host_transfer_ns(static_cast<std::uint64_t>(bytes), true);
  EXPECT_GE(t, bytes / raw + c.pcie.latency_ns);
  EXPECT_LE(t, bytes * 1.2 / raw + c.pcie.latency_ns);
  EXPECT_THROW(b.host_transfer_ns(0, true), InputError);
}

// Bad input is an InputError naming the problem, not a crash.
TEST(GpuBackend, BadShapesAreInputErrors) {
  GpuBackend b(h100(), {});
  AttentionShape a;
  a.sequences = {{1, 16}};
  a.heads = 6;
  a.kv_heads = 4;
  a.head_dim = 64;
  EXPECT_THROW(b.run_operator(make_op("attention", a)), InputError);
  GpuConfig c = h100();
  c.kernel.cta_tile_m = {4096};
  EXPECT_THROW(choose_gpu_gemm_plan(c, GemmShape{64, 64, 64}), InputError);
  EXPECT_THROW(b.run_operator(make_op("ar", CollectiveShape{CollectiveKind::kAllReduce, 7, 2})),
               InputError);
}

// A config the model cannot time is an InputError naming the knob.
TEST(GpuBackend, BadConfigIsAnInputError) {
  GpuConfig c = h100();
  c.kernel.memory_efficiency = 0;
  GpuBackend b(c, {});
  try {
    b.run_operator(gemm(64, 64, 64));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("kernel.memory_efficiency"), std::string::npos);
  }
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
