// Serving behaviour on the chip model (Llama-3.1-8B, a few requests each): preemption under a
// tiny KV cache, prefix-cache hits on shared hash ids, overload that queues instead of failing,
// rejection with a reason, FCFS order of first tokens. Every TEST runs in its own process
// (gtest_discover_tests); run directly, the tests share one ChipSession.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <systemc>

#include "maia/config/config_loader.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/serving_run.hpp"

#include "workload_rig.hpp"

namespace maia {
namespace {

using namespace test;  // chip(), llama8b(), rig(), kSource, kFp8 (workload_rig.hpp)

Request request(std::uint64_t id, double arrival_s, std::int64_t in, std::int64_t out) {
  Request r;
  r.id = id;
  r.arrival_s = arrival_s;
  r.input_tokens = in;
  r.output_tokens = out;
  return r;
}

ServingResult serve(const std::vector<Request>& reqs, const ServingOptions& o) {
  return run_serving(rig().backend, llama8b(), kFp8, reqs, o);
}

// Every submitted request is completed or rejected, and a completed one emitted each of its
// output tokens exactly once.
void expect_conserved(const ServingResult& r, const std::vector<Request>& reqs) {
  ASSERT_EQ(r.records.size(), reqs.size());
  EXPECT_EQ(r.stats.submitted, r.stats.completed + r.stats.rejected);
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& rec = r.records[i];
    if (rec.status == RequestStatus::kRejected) continue;
    EXPECT_TRUE(rec.finished()) << rec.id;
    EXPECT_EQ(rec.generated, reqs[i].output_tokens) << rec.id;
    EXPECT_EQ(static_cast<std::int64_t>(rec.token_times_s.size()), rec.generated) << rec.id;
  }
}

TEST(ServingBehaviour, TinyKvCachePreemptsAndStillCompletes) {
  // 6 requests of 256 + 200 tokens need 6 x 29 blocks at their peak; 64 blocks hold two.
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 6; ++i) reqs.push_back(request(i, 0.0, 256, 200));
  ServingOptions o;
  o.kv_blocks = 64;
  const ServingResult r = serve(reqs, o);
  expect_conserved(r, reqs);
  EXPECT_EQ(r.stats.completed, 6);
  EXPECT_GT(r.stats.preemptions, 0);
  EXPECT_LE(r.stats.kv.peak_used_blocks, 64);
  // Recompute: preempted requests computed more prefill tokens than their prompts.
  std::int64_t prompts = 0;
  for (const auto& q : reqs) prompts += q.input_tokens;
  EXPECT_GT(r.stats.prefill_tokens, prompts);
  // A big enough cache needs no preemption for the same load.
  EXPECT_EQ(serve(reqs, ServingOptions{}).stats.preemptions, 0);
}

TEST(ServingBehaviour, SharedHashIdsHitThePrefixCache) {
  // Four requests share their first two 512-token prefix blocks, one after another.
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 4; ++i) {
    Request r = request(i, 0.5 * static_cast<double>(i), 1536, 4);
    r.prefix_blocks = {11, 12, 100 + i};
    reqs.push_back(r);
  }
  ServingOptions on;
  const ServingResult hit = serve(reqs, on);
  ServingOptions off;
  off.prefix_caching = false;
  const ServingResult miss = serve(reqs, off);
  expect_conserved(hit, reqs);
  // Each later request finds the two shared blocks: 3 x 1024 tokens.
  EXPECT_EQ(hit.stats.kv.prefix_hit_tokens, 3 * 1024);
  EXPECT_EQ(miss.stats.kv.prefix_hit_tokens, 0);
  EXPECT_EQ(miss.stats.prefill_tokens - hit.stats.prefill_tokens, 3 * 1024);
  // Less to compute, so a later request's first token comes sooner.
  EXPECT_LT(*hit.records[3].ttft_s(), *miss.records[3].ttft_s());
}

TEST(ServingBehaviour, OverloadQueuesLaterRequestsLongerAndCompletes) {
  // 40 equal requests at 10,000 per second, 4 running at most: a queue builds.
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 40; ++i)
    reqs.push_back(request(i, 1e-4 * static_cast<double>(i), 128, 16));
  ServingOptions o;
  o.max_num_seqs = 4;
  o.max_batched_tokens = 512;
  const ServingResult r = serve(reqs, o);
  expect_conserved(r, reqs);
  EXPECT_EQ(r.stats.completed, 40);
  // Queueing delay rises along the queue: each group of four waits longer than the previous.
  for (std::size_t i = 4; i < reqs.size(); ++i)
    EXPECT_GT(*r.records[i].queueing_delay_s(), *r.records[i - 4].queueing_delay_s()) << i;
  // Linear growth: the tenth group waits several times as long as the second.
  EXPECT_GT(*r.records.back().queueing_delay_s(), 5 * *r.records[4].queueing_delay_s());
}

TEST(ServingBehaviour, FirstTokensInArrivalOrderForEqualPrompts) {
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 12; ++i)
    reqs.push_back(request(i, 2e-4 * static_cast<double>(i), 300, 8));
  ServingOptions o;
  o.max_num_seqs = 3;
  o.max_batched_tokens = 600;
  const ServingResult r = serve(reqs, o);
  expect_conserved(r, reqs);
  for (std::size_t i = 1; i < reqs.size(); ++i) {
    EXPECT_LE(*r.records[i - 1].first_token_s, *r.records[i].first_token_s) << i;
    EXPECT_LT(r.records[i - 1].admission_index, r.records[i].admission_index) << i;
  }
}

TEST(ServingBehaviour, RequestThatCanNeverFitIsRejectedWithAReason) {
  // 64 blocks of 16 tokens hold 1,024 tokens of KV: the second request needs more.
  const std::vector<Request> reqs{request(0, 0.0, 200, 8), request(1, 0.0, 2000, 8),
                                  request(2, 0.001, 200, 8)};
  ServingOptions o;
  o.kv_blocks = 64;
  const ServingResult r = serve(reqs, o);
  expect_conserved(r, reqs);
  EXPECT_EQ(r.stats.completed, 2);
  EXPECT_EQ(r.stats.rejected, 1);
  EXPECT_EQ(r.records[1].status, RequestStatus::kRejected);
  EXPECT_FALSE(r.records[1].reject_reason.empty());
  const RunSummary s = serving_summary(r, "llama-3.1-8b", chip().name, kFp8, true, Json::object());
  const Json j = serving_summary_json(s, r);
  EXPECT_EQ(j["requests"]["submitted"].get<std::int64_t>(),
            j["requests"]["completed"].get<std::int64_t>() +
                j["requests"]["rejected"].get<std::int64_t>());
}

TEST(ServingBehaviour, KvCapacityLargerThanHbmIsAnError) {
  ServingOptions o;
  o.kv_blocks = std::int64_t{1} << 40;
  EXPECT_THROW(serving_scheduler_config(hbm_capacity_bytes(chip().hbm), llama8b(), kFp8, o),
               InputError);
}

TEST(ServingBehaviour, GoodputCountsRequestsWithinBothObjectives) {
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 8; ++i)
    reqs.push_back(request(i, 1e-4 * static_cast<double>(i), 512, 8));
  ServingOptions o;
  o.max_num_seqs = 2;
  ServingResult r = serve(reqs, o);
  r.slo_ttft_ms = r.slo_tpot_ms = 0;  // no objectives: every completed request counts
  EXPECT_EQ(goodput_requests(r), 8);
  r.slo_ttft_ms = 1e-6;  // unreachable
  EXPECT_EQ(goodput_requests(r), 0);
  // Between: the requests served first meet a TTFT objective the queued ones miss.
  r.slo_ttft_ms = *r.records[3].ttft_s() * 1e3;
  const std::int64_t good = goodput_requests(r);
  EXPECT_GE(good, 4);
  EXPECT_LT(good, 8);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
