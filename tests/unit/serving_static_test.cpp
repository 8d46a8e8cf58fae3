// Static-batch inference runs on the chip model: the summary's keys and identities (TTFT, e2e,
// request counts), no operator beating its roofline, decode interpolation, nearest-rank
// percentiles, and monotonicity with batch, context and weight precision. Every TEST runs in its
// own process and builds at most one ChipSession (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <systemc>

#include "maia/backend/maia_backend.hpp"
#include "maia/backend/make_backend.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"
#include "maia/report/percentiles.hpp"
#include "maia/report/summary.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/workload/operator_graph.hpp"

#include "workload_rig.hpp"

namespace maia {
namespace {

using namespace test;  // chip(), llama8b(), rig(), kSource, kFp8 (workload_rig.hpp)

// No phase beats its roofline: an operator that ran alone takes at least its own roofline; the
// operators overlapped in one phase (their time shares sum to the phase) take at least the
// largest of their rooflines and their summed bytes at HBM peak (one HBM serves them all).
void expect_roofline_respected(const std::vector<OpMeasurement>& ops) {
  for (std::size_t i = 0; i < ops.size();) {
    const auto n = static_cast<std::size_t>(std::max(1, ops[i].window));
    double time = 0, memory = 0, largest = 0;
    for (std::size_t k = i; k < i + n && k < ops.size(); ++k) {
      EXPECT_GT(ops[k].roofline_ns, 0) << ops[k].name;
      time += ops[k].time_ns;
      memory += ops[k].memory_ns;
      largest = std::max(largest, ops[k].roofline_ns);
    }
    EXPECT_GE(time, std::max(memory, largest) * (1 - 1e-9)) << ops[i].name;
    i += n;
  }
}

// Decode iteration time of `batch` sequences with `context` cached tokens each.
double decode_ns(OpExecutor& exec, const ModelConfig& model, const Quantization& q,
                 std::int64_t batch, std::int64_t context) {
  const std::vector<Sequence> seqs(static_cast<std::size_t>(batch), Sequence{context, 1, true});
  return run_iteration(exec, build_iteration_graph(model, q, seqs)).time_ns;
}

TEST(StaticBatch, SummaryKeysIdentitiesAndRoofline) {
  const ChipConfig cfg = chip();
  const ModelConfig model = llama8b();
  StaticBatchSpec spec;
  spec.batch = 2;
  spec.prompt = 256;
  spec.gen = 4;
  spec.decode_stride = 1;
  const std::uint64_t hbm = HbmAddressMap(cfg.hbm).capacity_bytes();
  const MemoryFootprint fp = check_static_batch_capacity(model, kFp8, spec, hbm);
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  MaiaBackend backend(session, exec);
  const StaticBatchResult r = run_static_batch(backend, model, kFp8, spec);

  ASSERT_EQ(r.decode.size(), 3u);
  for (const auto& d : r.decode) EXPECT_TRUE(d.simulated);
  EXPECT_EQ(r.decode.front().context, 256);
  EXPECT_EQ(r.decode.back().context, 258);
  EXPECT_GT(r.ttft_ns(), 0);
  double sum = 0;
  for (const auto& d : r.decode) sum += d.time_ns;
  EXPECT_DOUBLE_EQ(r.e2e_ns(), r.ttft_ns() + sum);
  EXPECT_DOUBLE_EQ(r.tpot_ns(), sum / 3);
  EXPECT_GT(r.ops_simulated, 0u);
  EXPECT_GT(r.ops_reused, 0u);  // 32 identical layers
  EXPECT_EQ(r.prefill.ops.size(), r.decode_sample.ops.size());
  expect_roofline_respected(r.prefill.ops);
  expect_roofline_respected(r.decode_sample.ops);

  RunSummary s = static_batch_summary(r, cfg.name, true);
  s.memory = fp;
  s.hbm_capacity_bytes = hbm;
  const Json j = summary_json(s);
  for (const char* key : {"ttft_ms", "tpot_ms", "e2e_ms"})
    for (const char* stat : {"mean", "p50", "p90", "p99"})
      EXPECT_TRUE(j["latency"][key].contains(stat)) << key << "." << stat;
  for (const char* key : {"output_tokens_per_s", "total_tokens_per_s"})
    EXPECT_TRUE(j["throughput"].contains(key));
  for (const char* key : {"wall_s", "simulated_s"}) EXPECT_TRUE(j["simulation"].contains(key));
  for (const char* key : {"model", "chip", "quantization", "workload", "phases", "memory"})
    EXPECT_TRUE(j.contains(key));
  EXPECT_EQ(j["requests"]["submitted"].get<std::int64_t>(),
            j["requests"]["completed"].get<std::int64_t>() +
                j["requests"]["rejected"].get<std::int64_t>());
  EXPECT_EQ(j["requests"]["completed"].get<std::int64_t>(), 2);
  // Static batch: every request has the same latencies, so every percentile equals the mean.
  EXPECT_DOUBLE_EQ(j["latency"]["ttft_ms"]["p99"].get<double>(), r.ttft_ns() / 1e6);
  EXPECT_DOUBLE_EQ(j["latency"]["e2e_ms"]["p50"].get<double>(), r.e2e_ns() / 1e6);
  EXPECT_NEAR(j["latency"]["tpot_ms"]["mean"].get<double>(), r.tpot_ns() / 1e6, 1e-12);
  // Throughput from the definitions: batch * gen (and batch * (prompt + gen)) over e2e.
  EXPECT_NEAR(j["throughput"]["output_tokens_per_s"].get<double>(), 2.0 * 4 / (r.e2e_ns() / 1e9),
              1e-6);
  EXPECT_NEAR(j["throughput"]["total_tokens_per_s"].get<double>(), 2.0 * 260 / (r.e2e_ns() / 1e9),
              1e-6);
  EXPECT_DOUBLE_EQ(j["simulation"]["simulated_s"].get<double>(), r.e2e_ns() / 1e9);
  EXPECT_EQ(j["phases"]["decode"]["iterations"].get<std::int64_t>(), 3);
  EXPECT_EQ(j["phases"]["prefill"]["tokens"].get<std::int64_t>(), 512);

  // ops.csv: a header and one row per operator of both representative iterations.
  const auto dir =
      std::filesystem::temp_directory_path() / ("maia_static_" + std::to_string(getpid()));
  write_run_outputs(s, dir.string());
  EXPECT_TRUE(std::filesystem::exists(dir / "summary.json"));
  std::ifstream csv(dir / "ops.csv");
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(
      header,
      "phase,name,layer,kind,time_us,flops,hbm_bytes,sram_bytes,achieved_tflops,achieved_hbm_gbps,"
      "roofline_us,fraction_of_roofline,bound,reused,window,overlap_us");
  std::size_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, r.prefill.ops.size() + r.decode_sample.ops.size());
  std::filesystem::remove_all(dir);
}

TEST(StaticBatch, DecodeStrideInterpolatesLinearlyInContext) {
  const ChipConfig cfg = chip();
  StaticBatchSpec spec;
  spec.batch = 2;
  spec.prompt = 128;
  spec.gen = 6;  // decode steps 0..4; stride 3 simulates 0, 3 and the last (4)
  spec.decode_stride = 3;
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  MaiaBackend backend(session, exec);
  const StaticBatchResult r = run_static_batch(backend, llama8b(), kFp8, spec);
  ASSERT_EQ(r.decode.size(), 5u);
  const std::vector<bool> simulated = {true, false, false, true, true};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(r.decode[i].simulated, simulated[i]) << i;
  const double a = r.decode[0].time_ns, b = r.decode[3].time_ns;
  EXPECT_NEAR(r.decode[1].time_ns, a + (b - a) / 3, 1e-6);
  EXPECT_NEAR(r.decode[2].time_ns, a + 2 * (b - a) / 3, 1e-6);
  EXPECT_EQ(r.decode_sample_context, 132);
  EXPECT_FALSE(r.decode_sample.ops.empty());
}

// The backend built by kind (make_backend) answers its static facts from the config without
// simulating, then elaborates at its first simulation: capacity is the hand-written 216 GiB of
// six 36 GiB stacks, weights stay on chip up to half of the four clusters' 35 MiB CSRAM, and a
// host copy can never beat the PCIe line rate (8 lanes x 64 GT/s / 8 = 64 GB/s).
TEST(Backend, MaiaFactsFromTheConfigAndHostCopiesWithinTheLineRate) {
  const std::unique_ptr<Backend> b = make_backend(chip());
  EXPECT_EQ(b->chip_name(), "maia200");
  EXPECT_EQ(b->memory_capacity_bytes(), 216ull << 30);
  EXPECT_TRUE(b->weights_fit_on_chip(70ull << 20));
  EXPECT_FALSE(b->weights_fit_on_chip((70ull << 20) + 1));
  EXPECT_EQ(b->tensor_parallel_limit(), 4);  // the fully connected tray: itself and 3 peers
  EXPECT_EQ(b->operators_simulated(), 0u);
  const std::uint64_t bytes = 1ull << 20;
  const double line_ns = static_cast<double>(bytes) / 64.0;  // 64 GB/s = 64 B/ns
  for (bool to_device : {true, false}) {
    const double t = b->host_transfer_ns(bytes, to_device);
    EXPECT_GT(t, line_ns) << (to_device ? "host -> device" : "device -> host");
    EXPECT_LT(t, 2 * line_ns);  // no gross overhead either: 600 ns latency, 24 B per 256 B
  }
}

TEST(Percentiles, NearestRankOfKnownSamples) {
  // The textbook example: n = 5, rank = ceil(p/100 * n).
  const std::vector<double> v = {35, 20, 50, 15, 40};
  EXPECT_EQ(percentile(v, 0), 15);
  EXPECT_EQ(percentile(v, 5), 15);    // rank 1
  EXPECT_EQ(percentile(v, 30), 20);   // rank 2
  EXPECT_EQ(percentile(v, 40), 20);   // rank 2 exactly
  EXPECT_EQ(percentile(v, 50), 35);   // rank 3
  EXPECT_EQ(percentile(v, 100), 50);  // rank 5
  // 1..10: p50 rank 5, p90 rank 9, p99 rank ceil(9.9) = 10.
  std::vector<double> ten;
  for (int i = 10; i >= 1; --i) ten.push_back(i);
  const Distribution d = distribution(ten);
  EXPECT_DOUBLE_EQ(d.mean, 5.5);
  EXPECT_EQ(d.p50, 5);
  EXPECT_EQ(d.p90, 9);
  EXPECT_EQ(d.p99, 10);
  // 1..200: p99 rank 198.
  std::vector<double> many;
  for (int i = 1; i <= 200; ++i) many.push_back(i);
  EXPECT_EQ(percentile(many, 99), 198);
  EXPECT_EQ(percentile({}, 50), 0);
  EXPECT_EQ(distribution({}).p99, 0);
  EXPECT_THROW(percentile(v, 101), InputError);
  // TPOT of a request: (e2e - ttft) / (output tokens - 1); 0 with a single output token.
  EXPECT_DOUBLE_EQ((RequestMetrics{10, 5, 100, 500}).tpot_ns(), 100);
  EXPECT_EQ((RequestMetrics{10, 1, 100, 100}).tpot_ns(), 0);
}

TEST(StaticBatchMonotonic, LargerBatchGivesMoreDecodeTokensPerSecond) {
  const ChipConfig cfg = chip();
  const ModelConfig model = llama8b();
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  // Memory-bound decode at short context: the weights are read once per iteration whatever the
  // batch, so 8 sequences produce tokens faster than 1.
  const double t1 = decode_ns(exec, model, kFp8, 1, 256);
  const double t8 = decode_ns(exec, model, kFp8, 8, 256);
  EXPECT_GT(8 / t8, 1 / t1) << t1 << " " << t8;
  EXPECT_LT(t8, 8 * t1);
}

TEST(StaticBatchMonotonic, LongerContextSlowsDecode) {
  const ChipConfig cfg = chip();
  const ModelConfig model = llama8b();
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  const double short_ctx = decode_ns(exec, model, kFp8, 8, 256);
  const double long_ctx = decode_ns(exec, model, kFp8, 8, 4096);
  EXPECT_GT(long_ctx, short_ctx);
}

TEST(StaticBatchMonotonic, NarrowerWeightsDecodeFaster) {
  const ChipConfig cfg = chip();
  const ModelConfig model = llama8b();
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);  // memo on: signatures differ by datatype
  const auto with_weights = [](DType w) { return Quantization{w, DType::kFp8, DType::kFp8}; };
  const double fp4 = decode_ns(exec, model, with_weights(DType::kFp4), 8, 256);
  const double fp8 = decode_ns(exec, model, with_weights(DType::kFp8), 8, 256);
  const double bf16 = decode_ns(exec, model, with_weights(DType::kBf16), 8, 256);
  EXPECT_LT(fp4, fp8);
  EXPECT_LT(fp8, bf16);
}

TEST(StaticBatch, InvalidSpecAndCapacity) {
  StaticBatchSpec spec;
  spec.gen = 0;
  EXPECT_THROW(validate_static_batch(spec), InputError);
  spec.gen = 4;
  spec.decode_stride = 0;
  EXPECT_THROW(validate_static_batch(spec), InputError);
  // Llama-3.1-405B in BF16 (~812 GB of weights) does not fit one chip's HBM.
  const ChipConfig cfg = chip();
  const ModelConfig big = load_model("llama-3.1-405b", kSource + "/configs/models");
  StaticBatchSpec ok;
  try {
    check_static_batch_capacity(big, Quantization{}, ok, HbmAddressMap(cfg.hbm).capacity_bytes());
    ADD_FAILURE() << "405B in BF16 fitted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
