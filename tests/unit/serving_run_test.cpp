// The serving loop on the chip model: every request completes with its tokens conserved,
// memoised and exact runs agree, and a higher arrival rate queues more. Every TEST runs in its
// own process (gtest_discover_tests) and builds one ChipSession (SystemC elaborates once per
// process); run directly, the tests share one session.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <systemc>

#include "maia/config/config_loader.hpp"
#include "maia/serving/serving_run.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {
namespace {

const std::string kSource = MAIA_SOURCE_DIR;
const Quantization kFp8{DType::kFp8, DType::kFp8, DType::kFp8};

const ChipConfig& chip() {
  static const ChipConfig cfg = load_chip_config(kSource + "/configs/maia200.json", {});
  return cfg;
}
ModelConfig llama8b() { return load_model("llama-3.1-8b", kSource + "/configs/models"); }

// One session and executor per process.
struct Rig {
  ChipSession session{chip()};
  OpExecutor exec{session, chip()};
};
Rig& rig() {
  static Rig* r = new Rig;  // never destroyed: SystemC is torn down after sc_main
  return *r;
}

// n requests at `rate` per second with short, varied prompts and outputs.
std::vector<Request> requests(int n, double rate) {
  std::vector<Request> out;
  for (int i = 0; i < n; ++i) {
    Request r;
    r.id = static_cast<std::uint64_t>(i);
    r.arrival_s = i / rate;
    r.input_tokens = 256 + (i * 97) % 768;
    r.output_tokens = 2 + (i * 5) % 7;
    out.push_back(r);
  }
  return out;
}

ServingOptions options(bool exact) {
  ServingOptions o;
  o.max_num_seqs = 8;
  o.max_batched_tokens = 1024;
  o.exact = exact;
  return o;
}

double mean_ttft(const ServingResult& r) {
  double sum = 0;
  int n = 0;
  for (const auto& rec : r.records)
    if (rec.finished()) {
      sum += *rec.ttft_s();
      ++n;
    }
  return n ? sum / n : 0;
}

double mean_tpot(const ServingResult& r) {
  double sum = 0;
  int n = 0;
  for (const auto& rec : r.records)
    if (auto t = rec.tpot_s()) {
      sum += *t;
      ++n;
    }
  return n ? sum / n : 0;
}

TEST(ServingRun, CompletesAllAndConservesTokens) {
  const ModelConfig model = llama8b();
  const auto reqs = requests(20, 200.0);
  const ServingResult r = run_serving(rig().session, rig().exec, model, kFp8, reqs, options(false));
  ASSERT_EQ(r.records.size(), reqs.size());
  EXPECT_GT(r.config.kv_blocks, 0);
  EXPECT_EQ(r.stats.submitted, r.stats.completed + r.stats.rejected);
  EXPECT_EQ(r.stats.completed, 20);
  std::int64_t out_tokens = 0, want = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& rec = r.records[i];
    EXPECT_TRUE(rec.finished()) << rec.id;
    EXPECT_EQ(rec.generated, reqs[i].output_tokens);
    EXPECT_EQ(static_cast<std::int64_t>(rec.token_times_s.size()), rec.generated);
    ASSERT_TRUE(rec.ttft_s());
    EXPECT_GT(*rec.ttft_s(), 0);
    EXPECT_GE(*rec.finish_s, *rec.first_token_s);
    out_tokens += rec.generated;
    want += reqs[i].output_tokens;
  }
  EXPECT_EQ(out_tokens, want);
  EXPECT_EQ(r.stats.decode_tokens + r.stats.prefill_tokens, r.prefill.tokens + r.decode.tokens);
  EXPECT_EQ(r.iterations, r.simulated_iterations + r.reused_iterations);
  EXPECT_GT(r.makespan_s(), 0);

  const RunSummary s = serving_summary(r, model.name, chip().name, kFp8, true, Json::object());
  EXPECT_EQ(s.submitted, static_cast<std::int64_t>(s.requests.size()) + s.rejected);
  const Json j = serving_summary_json(s, r);
  EXPECT_GT(j["latency"]["ttft_ms"]["mean"].get<double>(), 0);
  EXPECT_GT(j["throughput"]["output_tokens_per_s"].get<double>(), 0);
  EXPECT_TRUE(j.contains("serving"));
  EXPECT_GT(j["serving"]["kv_peak_utilisation"].get<double>(), 0);
}

TEST(ServingRun, MemoisedAgreesWithExact) {
  const ModelConfig model = llama8b();
  const auto reqs = requests(20, 200.0);
  const ServingResult memo =
      run_serving(rig().session, rig().exec, model, kFp8, reqs, options(false));
  const ServingResult exact =
      run_serving(rig().session, rig().exec, model, kFp8, reqs, options(true));
  EXPECT_EQ(exact.reused_iterations, 0);
  EXPECT_EQ(exact.simulated_iterations, exact.iterations);
  const double t_m = mean_ttft(memo), t_e = mean_ttft(exact);
  const double p_m = mean_tpot(memo), p_e = mean_tpot(exact);
  EXPECT_NEAR(t_m, t_e, 0.02 * t_e);
  EXPECT_NEAR(p_m, p_e, 0.02 * p_e);
}

TEST(ServingRun, HigherArrivalRateRaisesTtft) {
  const ModelConfig model = llama8b();
  const ServingResult slow =
      run_serving(rig().session, rig().exec, model, kFp8, requests(20, 20.0), options(false));
  const ServingResult fast =
      run_serving(rig().session, rig().exec, model, kFp8, requests(20, 1e5), options(false));
  EXPECT_EQ(slow.stats.completed, 20);
  EXPECT_EQ(fast.stats.completed, 20);
  EXPECT_GT(mean_ttft(fast), mean_ttft(slow));
}

TEST(ServingRun, BatchSignatureBucketsContext) {
  const std::vector<Sequence> a{{100, 1, true}, {300, 1, true}};
  const std::vector<Sequence> b{{260, 1, true}, {120, 1, true}};
  EXPECT_EQ(serving_batch_signature(a, 256), serving_batch_signature(b, 256));
  EXPECT_NE(serving_batch_signature(a, 1), serving_batch_signature(b, 1));
  const auto bucketed = bucketed_batch(a, 256);
  EXPECT_EQ(bucketed[0].cached_tokens, 0);
  EXPECT_EQ(bucketed[1].cached_tokens, 256);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
