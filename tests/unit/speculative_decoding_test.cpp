// Speculative decoding (docs/serving.md, "Speculative decoding"): the acceptance model against
// its closed form, the scheduler's KV reservation and rollback for drafts, the named errors, and
// on the chip model: TPOT falls as acceptance rises, never below the no-speculation TPOT over
// K + 1, and a serving run with K = 3 completes with every token emitted once. The oracles are
// closed forms, hand-counted KV blocks and the run without speculation. Every TEST runs in its
// own process (gtest_discover_tests): SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "maia/core/error.hpp"
#include "maia/serving/scheduler/scheduler.hpp"
#include "maia/serving/serving_run.hpp"
#include "maia/serving/speculative_decoding.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/workload/capacity.hpp"

#include "workload_rig.hpp"

namespace maia {
namespace {

using namespace test;  // chip(), llama8b(), rig(), kSource, kFp8 (workload_rig.hpp)

SpeculativeConfig rate_config(std::int64_t k, double rate) {
  SpeculativeConfig c;
  c.k = k;
  c.draft = DraftKind::kMtp;
  c.accept_rate = rate;
  return c;
}

// A two-layer Llama-3.1-8B: the same operators as the full model, simulated quickly.
ModelConfig small_target() {
  ModelConfig m = llama8b();
  m.num_layers = 2;
  return m;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

TEST(SpeculativeAcceptance, ExpectedTokensMatchTheGeometricClosedForm) {
  for (std::int64_t k = 1; k <= 6; ++k)
    for (double a : {0.0, 0.25, 0.5, 0.8, 0.95}) {
      const double closed = (1 - std::pow(a, static_cast<double>(k + 1))) / (1 - a);
      EXPECT_NEAR(expected_emitted_tokens(std::vector<double>(k, a), k), closed, 1e-12)
          << "k " << k << " alpha " << a;
    }
  // alpha = 1: every draft accepted, K + 1 tokens per step.
  EXPECT_DOUBLE_EQ(expected_emitted_tokens({1, 1, 1}, 3), 4.0);
  // A table is conditional per position: 1 + 0.9 + 0.9 * 0.5 + 0.9 * 0.5 * 0.2.
  EXPECT_NEAR(expected_emitted_tokens({0.9, 0.5, 0.2}, 3), 1 + 0.9 + 0.45 + 0.09, 1e-12);
  // Fewer drafts than positions: only the first ones count.
  EXPECT_NEAR(expected_emitted_tokens({0.9, 0.5, 0.2}, 1), 1.9, 1e-12);
}

TEST(SpeculativeAcceptance, DrawsAreDeterministicAndAverageToTheModel) {
  const ModelConfig target = small_target();
  SpeculativeConfig c;
  c.k = 4;
  c.accept_table = {0.9, 0.7, 0.5, 0.3};
  c.seed = 7;
  const SpeculativeDecoding s(c, target);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const auto request = static_cast<std::uint64_t>(i % 1000),
               step = static_cast<std::uint64_t>(i / 1000);
    const std::int64_t a = s.accepted(request, step, 4);
    ASSERT_GE(a, 0);
    ASSERT_LE(a, 4);
    ASSERT_EQ(a, s.accepted(request, step, 4));  // a function of its arguments only
    sum += 1.0 + static_cast<double>(a);
  }
  const double expected = 1 + 0.9 + 0.9 * 0.7 + 0.9 * 0.7 * 0.5 + 0.9 * 0.7 * 0.5 * 0.3;
  EXPECT_NEAR(sum / n, expected, 0.01);
  // Rates 0 and 1 are exact: none, or all of the drafts offered.
  const SpeculativeDecoding none(rate_config(3, 0.0), target), all(rate_config(3, 1.0), target);
  for (std::uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(none.accepted(i, i, 3), 0);
    EXPECT_EQ(all.accepted(i, i, 3), 3);
    EXPECT_EQ(all.accepted(i, i, 2), 2);  // never more than the drafts verified
  }
}

TEST(SpeculativeConfigErrors, NamedErrors) {
  const ModelConfig target = small_target();
  const auto make = [&](SpeculativeConfig c) { SpeculativeDecoding s(c, target); };
  EXPECT_NE(error_of([&] { make(rate_config(0, 0.5)); }).find("--speculate"), std::string::npos);
  EXPECT_NE(error_of([&] { make(rate_config(kMaxSpeculativeTokens + 1, 0.5)); }).find("[1, 16]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { make(rate_config(3, 1.5)); }).find("--accept-rate"), std::string::npos);
  EXPECT_NE(error_of([&] { make(rate_config(3, -0.1)); }).find("--accept-rate"), std::string::npos);
  EXPECT_NE(error_of([&] { make(rate_config(3, std::nan(""))); }).find("--accept-rate"),
            std::string::npos);
  SpeculativeConfig none = rate_config(3, 0.5);
  none.accept_rate.reset();
  EXPECT_NE(error_of([&] { make(none); }).find("acceptance model"), std::string::npos);
  SpeculativeConfig both = rate_config(3, 0.5);
  both.accept_table = {0.5, 0.5, 0.5};
  EXPECT_NE(error_of([&] { make(both); }).find("exclude each other"), std::string::npos);
  SpeculativeConfig short_table = none;
  short_table.accept_table = {0.5, 0.5};
  EXPECT_NE(error_of([&] { make(short_table); }).find("one acceptance per draft position"),
            std::string::npos);
  SpeculativeConfig bad_entry = none;
  bad_entry.accept_table = {0.5, 1.01, 0.5};
  EXPECT_NE(error_of([&] { make(bad_entry); }).find("position 2"), std::string::npos);
  // A draft with another tokenizer cannot be verified by the target.
  SpeculativeConfig model_draft = rate_config(3, 0.5);
  model_draft.draft = DraftKind::kModel;
  const ModelConfig qwen = load_model("qwen2.5-7b", kSource + "/configs/models");
  const std::string vocab = error_of([&] { SpeculativeDecoding s(model_draft, target, qwen); });
  EXPECT_NE(vocab.find("vocab_size 152064 differs"), std::string::npos) << vocab;
}

TEST(SpeculativeDraft, MtpHeadAddsOneDecoderLayerAndItsKv) {
  const ModelConfig target = llama8b();
  const SpeculativeDecoding s(rate_config(2, 0.5), target);
  EXPECT_EQ(s.draft_model().num_layers, 1);
  // Oracle: one decoder layer of Llama-3.1-8B in FP8 by hand: q, o 4096x4096, k, v 4096x1024,
  // gate, up, down 4096x14336, two RMSNorm vectors of 4096 (one byte per weight, norms too or
  // not: allow their 8 KB).
  const double layer = 2.0 * 4096 * 4096 + 2.0 * 4096 * 1024 + 3.0 * 4096 * 14336;
  EXPECT_NEAR(static_cast<double>(s.draft_weight_bytes(kFp8)), layer, 16384.0);
  // KV: one layer, 8 KV heads x 128 x (K and V) bytes per token at FP8.
  EXPECT_EQ(s.draft_kv_bytes(kFp8, 16), 16u * 8 * 128 * 2);
}

// A scheduler with one request of `input` prompt and `output` output tokens, K drafts.
SchedulerConfig spec_scheduler(std::int64_t k) {
  SchedulerConfig c;
  c.max_num_seqs = 4;
  c.max_batched_tokens = 64;
  c.block_tokens = 2;
  c.kv_blocks = 100;
  c.prefix_caching = false;
  c.speculative_tokens = k;
  return c;
}

TEST(SpeculativeScheduler, ReservesKvForDraftsAndRollsBackRejectedOnes) {
  Scheduler sched(spec_scheduler(3));
  sched.submit(Request{1, 0.0, 16, 10, {}});
  IterationPlan p = sched.next_iteration(0);  // the prefill: 16 tokens, first output token
  ASSERT_EQ(p.batch.size(), 1u);
  EXPECT_EQ(p.drafts, std::vector<std::int64_t>{0});
  sched.complete_iteration(p, 1, {0});
  EXPECT_EQ(sched.stats().kv.used_blocks, 8);  // 16 tokens, 2 per block

  // A decode verifies 1 + 3 tokens; KV for all of them is reserved: 20 tokens, 10 blocks.
  p = sched.next_iteration(1);
  ASSERT_EQ(p.batch.size(), 1u);
  EXPECT_EQ(p.batch[0].cached_tokens, 16);
  EXPECT_EQ(p.batch[0].new_tokens, 4);
  EXPECT_TRUE(p.batch[0].samples);
  EXPECT_EQ(p.drafts[0], 3);
  EXPECT_EQ(p.draft_tokens, 3);
  EXPECT_EQ(sched.stats().kv.used_blocks, 10);
  // No draft accepted: one token emitted, the KV of 17 tokens kept (9 blocks), 1 rolled back.
  sched.complete_iteration(p, 2, {0});
  EXPECT_EQ(sched.record(1).generated, 2);
  EXPECT_EQ(sched.stats().kv.used_blocks, 9);
  EXPECT_EQ(sched.stats().rolled_back_blocks, 1);

  // Every draft accepted: 4 tokens at once (generated 2 -> 6), KV of 17 + 4 = 21 tokens.
  p = sched.next_iteration(2);
  EXPECT_EQ(p.batch[0].cached_tokens, 17);
  sched.complete_iteration(p, 3, {3});
  EXPECT_EQ(sched.record(1).generated, 6);
  EXPECT_EQ(sched.stats().kv.used_blocks, 11);
  const auto& times = sched.record(1).token_times_s;
  EXPECT_EQ(std::count(times.begin(), times.end(), 3.0), 4);

  // 4 tokens left: 3 drafts; then 2 of them accepted leaves 1: no draft can be used.
  p = sched.next_iteration(3);
  EXPECT_EQ(p.drafts[0], 3);
  sched.complete_iteration(p, 4, {2});
  EXPECT_EQ(sched.record(1).generated, 9);
  p = sched.next_iteration(4);
  EXPECT_EQ(p.drafts[0], 0);
  EXPECT_EQ(p.batch[0].new_tokens, 1);
  sched.complete_iteration(p, 5, {0});
  EXPECT_EQ(sched.record(1).status, RequestStatus::kCompleted);
  EXPECT_EQ(sched.record(1).generated, 10);
  EXPECT_EQ(sched.stats().draft_tokens, 9);
  EXPECT_EQ(sched.stats().accepted_tokens, 5);
  EXPECT_EQ(sched.stats().kv.used_blocks, 0);
}

TEST(SpeculativeScheduler, DraftsYieldToTheBudgetSoEveryDecodeStillRuns) {
  SchedulerConfig c = spec_scheduler(3);
  c.max_batched_tokens = 6;  // 4 decodes: 4 tokens, 2 left for drafts
  c.max_num_seqs = 4;
  Scheduler sched(c);
  for (std::uint64_t i = 0; i < 4; ++i) sched.submit(Request{i, 0.0, 1, 20, {}});
  IterationPlan p = sched.next_iteration(0);  // four 1-token prompts
  ASSERT_EQ(p.batch.size(), 4u);
  sched.complete_iteration(p, 1, {0, 0, 0, 0});
  p = sched.next_iteration(1);
  ASSERT_EQ(p.batch.size(), 4u);
  EXPECT_EQ(p.scheduled_tokens, 6);
  EXPECT_EQ(p.draft_tokens, 2);
  EXPECT_EQ(p.drafts, (std::vector<std::int64_t>{2, 0, 0, 0}));  // oldest first
  // A count outside 0..drafts is a simulation error.
  EXPECT_THROW(sched.complete_iteration(p, 2, {3, 0, 0, 0}), SimulationError);
}

// Static batches on the chip model: TPOT with speculation against the run without.
TEST(SpeculativeStatic, TpotFallsWithAcceptanceAndStaysAboveTheBound) {
  const ModelConfig target = small_target();
  StaticBatchSpec spec;
  spec.batch = 4;
  spec.prompt = 512;
  spec.gen = 33;
  spec.decode_stride = 8;
  const double plain = run_static_batch(rig().backend, target, kFp8, spec).tpot_ns();
  ASSERT_GT(plain, 0);
  const std::int64_t k = 3;
  double previous = 0;
  for (double a : {0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0}) {
    const SpeculativeDecoding s(rate_config(k, a), target);
    const StaticBatchResult r = run_static_batch(rig().backend, target, kFp8, spec, &s);
    const double tpot = r.tpot_ns();
    std::printf("acceptance %.1f: TPOT %.4f ms (no speculation %.4f ms, bound %.4f ms)\n", a,
                tpot / 1e6, plain / 1e6, plain / (k + 1) / 1e6);
    EXPECT_GE(tpot, plain / static_cast<double>(k + 1)) << "acceptance " << a;
    if (a == 0.0) {
      // One token per step, each step K drafts and a K + 1-token verification: slower.
      EXPECT_DOUBLE_EQ(r.speculation.emitted_per_step, 1.0);
      EXPECT_EQ(r.decode.size(), static_cast<std::size_t>(spec.gen - 1));
      EXPECT_GT(tpot, plain);
    } else {
      EXPECT_LT(tpot, previous) << "acceptance " << a;
    }
    EXPECT_GT(r.draft_total_ns(), 0);
    EXPECT_GT(r.speculation.draft_prefill_ns, 0);
    previous = tpot;
  }
}

TEST(SpeculativeServing, RunWithThreeDraftsCompletesEveryRequest) {
  const ModelConfig target = small_target();
  std::vector<Request> reqs;
  for (int i = 0; i < 12; ++i)
    reqs.push_back(Request{static_cast<std::uint64_t>(i), i / 100.0, 128 + 37 * i, 5 + 3 * i, {}});
  ServingOptions o;
  o.max_num_seqs = 8;
  o.max_batched_tokens = 512;
  const ServingResult plain = run_serving(rig().backend, target, kFp8, reqs, o);
  o.speculative.emplace(rate_config(3, 0.7), target);
  const ServingResult r = run_serving(rig().backend, target, kFp8, reqs, o);
  ASSERT_EQ(r.records.size(), reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(r.records[i].status, RequestStatus::kCompleted);
    EXPECT_EQ(r.records[i].generated, reqs[i].output_tokens);
    EXPECT_EQ(r.records[i].token_times_s.size(), static_cast<std::size_t>(reqs[i].output_tokens));
  }
  EXPECT_EQ(r.stats.completed, 12);
  EXPECT_GT(r.speculative.steps, 0);
  EXPECT_GT(r.speculative.accepted_tokens, 0);
  EXPECT_LE(r.speculative.accepted_tokens, r.speculative.draft_tokens);
  EXPECT_GT(r.speculative.draft_ns, 0);
  EXPECT_GT(r.speculative.verify_ns, 0);
  // The draft's weights and KV leave fewer blocks for the same HBM.
  EXPECT_LT(r.config.kv_blocks, plain.config.kv_blocks);
  EXPECT_EQ(r.memory.weight_bytes, plain.memory.weight_bytes + r.speculative.draft_weight_bytes);
  // Fewer iterations than tokens decoded one by one.
  EXPECT_LT(r.iterations, plain.iterations);
  // The same run again draws the same acceptances (they depend on request and step only). Its
  // times may differ in the last ns: host transfers are re-measured on a chip with another
  // history in this process (the CLI test compares two processes byte for byte).
  const ServingResult again = run_serving(rig().backend, target, kFp8, reqs, o);
  EXPECT_EQ(again.speculative.steps, r.speculative.steps);
  EXPECT_EQ(again.speculative.accepted_tokens, r.speculative.accepted_tokens);
  EXPECT_EQ(again.iterations, r.iterations);
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    ASSERT_EQ(again.records[i].token_times_s.size(), r.records[i].token_times_s.size());
    for (std::size_t t = 0; t < r.records[i].token_times_s.size(); ++t)
      EXPECT_NEAR(again.records[i].token_times_s[t], r.records[i].token_times_s[t], 1e-6);
  }
}

double mean_tpot_s(const ServingResult& r) {
  double sum = 0;
  int n = 0;
  for (const auto& rec : r.records)
    if (auto t = rec.tpot_s()) {
      sum += *t;
      ++n;
    }
  return n ? sum / n : 0;
}

TEST(SpeculativeServing, TpotFallsWithAcceptanceAndStaysAboveTheBound) {
  const ModelConfig target = small_target();
  std::vector<Request> reqs;
  for (int i = 0; i < 8; ++i)
    reqs.push_back(Request{static_cast<std::uint64_t>(i), i / 50.0, 256, 40, {}});
  ServingOptions o;
  o.max_num_seqs = 8;
  o.max_batched_tokens = 512;
  const double plain = mean_tpot_s(run_serving(rig().backend, target, kFp8, reqs, o));
  ASSERT_GT(plain, 0);
  const std::int64_t k = 3;
  double previous = 0;
  for (double a : {0.0, 0.5, 0.9}) {
    o.speculative.emplace(rate_config(k, a), target);
    const ServingResult r = run_serving(rig().backend, target, kFp8, reqs, o);
    const double tpot = mean_tpot_s(r);
    std::printf("serving, acceptance %.1f: mean TPOT %.4f ms (no speculation %.4f ms)\n", a,
                tpot * 1e3, plain * 1e3);
    EXPECT_GE(tpot, plain / static_cast<double>(k + 1)) << "acceptance " << a;
    if (a == 0.0) {
      EXPECT_EQ(r.speculative.accepted_tokens, 0);
      EXPECT_DOUBLE_EQ(r.speculative.mean_emitted_per_step(), 1.0);
      EXPECT_GT(tpot, plain);
    } else {
      EXPECT_LT(tpot, previous) << "acceptance " << a;
    }
    previous = tpot;
  }
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
