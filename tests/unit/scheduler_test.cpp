// The continuous-batching scheduler driven by a fake clock (1 ms + 0.01 ms per scheduled token
// per iteration): conservation of requests and tokens, FCFS admission, budgets, chunked
// prefill, preemption by recompute, prefix caching and its LRU eviction, rejection, overload and
// config validation.
#include <systemc>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "maia/core/error.hpp"
#include "maia/serving/scheduler/kv_block_manager.hpp"
#include "maia/serving/scheduler/scheduler.hpp"

namespace maia {
namespace {

SchedulerConfig config_with(std::int64_t kv_blocks) {
  SchedulerConfig c;
  c.kv_blocks = kv_blocks;
  return c;
}

Request make_request(std::uint64_t id, double arrival_s, std::int64_t input, std::int64_t output,
                     std::vector<std::uint64_t> prefix = {}) {
  Request r;
  r.id = id;
  r.arrival_s = arrival_s;
  r.input_tokens = input;
  r.output_tokens = output;
  r.prefix_blocks = std::move(prefix);
  return r;
}

// Deterministic pseudo-random lengths.
struct Lcg {
  std::uint64_t state;
  std::int64_t next(std::int64_t lo, std::int64_t hi) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<std::int64_t>((state >> 33) % static_cast<std::uint64_t>(hi - lo + 1));
  }
};

// Runs the serving loop to the end with a fake clock, checking the invariants at every step.
struct Driver {
  explicit Driver(const SchedulerConfig& c) : sched(c) {}

  void run(std::int64_t max_iterations = 1000000) {
    const SchedulerConfig& c = sched.config();
    std::int64_t guard = 0;
    while (!sched.idle()) {
      ASSERT_LT(++guard, max_iterations) << "no progress";
      IterationPlan plan = sched.next_iteration(now);
      if (plan.empty()) {
        auto next = sched.next_arrival_s();
        ASSERT_TRUE(next.has_value());
        ASSERT_GT(*next, now) << "empty plan with an admissible request";
        now = *next;
        continue;
      }
      ASSERT_EQ(plan.batch.size(), plan.request_ids.size());
      ASSERT_LE(plan.scheduled_tokens, c.max_batched_tokens);
      ASSERT_EQ(plan.scheduled_tokens, total_new_tokens(plan.batch));
      ASSERT_EQ(plan.scheduled_tokens, plan.prefill_tokens + plan.decode_tokens);
      ASSERT_LE(static_cast<std::int64_t>(plan.batch.size()), c.max_num_seqs);
      ASSERT_LE(sched.stats().running, c.max_num_seqs);
      std::set<std::uint64_t> ids(plan.request_ids.begin(), plan.request_ids.end());
      ASSERT_EQ(ids.size(), plan.request_ids.size()) << "a request twice in one batch";
      for (std::size_t i = 0; i < plan.batch.size(); ++i) {
        ASSERT_GT(plan.batch[i].new_tokens, 0);
        if (plan.batch[i].emits_token()) ++emitted[plan.request_ids[i]];
        computed[plan.request_ids[i]] += plan.batch[i].new_tokens;
      }
      max_batch = std::max<std::int64_t>(max_batch, plan.batch.size());
      plans.push_back(plan);
      check_state();
      now += 1e-3 + 1e-5 * static_cast<double>(plan.scheduled_tokens);
      sched.complete_iteration(plan, now);
      check_state();
    }
  }

  void check_state() {
    const SchedulerStats st = sched.stats();
    ASSERT_EQ(st.submitted, st.completed + st.rejected + st.in_flight());
    ASSERT_LE(st.kv.used_blocks, st.kv.capacity_blocks);
    ASSERT_GE(st.kv.free_blocks, 0);
    ASSERT_EQ(st.kv.used_blocks + st.kv.cached_idle_blocks + st.kv.free_blocks,
              st.kv.capacity_blocks);
    ASSERT_LE(st.kv.peak_used_blocks, st.kv.capacity_blocks);
  }

  // Every completed request emitted each output token exactly once; every record is sane.
  void check_complete() {
    const SchedulerStats st = sched.stats();
    EXPECT_EQ(st.submitted, st.completed + st.rejected);
    EXPECT_EQ(st.in_flight(), 0);
    std::int64_t preemptions = 0;
    for (const RequestRecord& r : sched.records()) {
      preemptions += r.preemptions;
      if (r.status == RequestStatus::kRejected) {
        EXPECT_FALSE(r.reject_reason.empty());
        EXPECT_EQ(emitted.count(r.id), 0u);
        continue;
      }
      ASSERT_EQ(r.status, RequestStatus::kCompleted) << r.id;
      EXPECT_EQ(emitted[r.id], r.output_tokens) << r.id;
      EXPECT_EQ(r.generated, r.output_tokens);
      EXPECT_EQ(static_cast<std::int64_t>(r.token_times_s.size()), r.output_tokens);
      EXPECT_TRUE(std::is_sorted(r.token_times_s.begin(), r.token_times_s.end()));
      ASSERT_TRUE(r.first_scheduled_s && r.first_token_s && r.finish_s);
      EXPECT_LE(r.arrival_s, *r.first_scheduled_s);
      EXPECT_LT(*r.first_scheduled_s, *r.first_token_s);
      EXPECT_LE(*r.first_token_s, *r.finish_s);
      EXPECT_EQ(*r.first_token_s, r.token_times_s.front());
      EXPECT_EQ(*r.finish_s, r.token_times_s.back());
      EXPECT_GE(*r.ttft_s(), *r.queueing_delay_s());
      EXPECT_EQ(static_cast<std::int64_t>(r.inter_token_s().size()), r.output_tokens - 1);
      // Computed tokens: prefill (prompt minus prefix hits, plus any recompute) and decodes,
      // one per token after the first except those emitted by a re-prefill.
      const std::int64_t decodes = computed[r.id] - r.prefill_tokens;
      EXPECT_LE(decodes, r.output_tokens - 1) << r.id;
      EXPECT_GE(decodes, r.output_tokens - 1 - r.preemptions) << r.id;
      EXPECT_GE(r.prefill_tokens + r.prefix_hit_tokens, r.input_tokens);
      if (r.preemptions == 0) {
        EXPECT_EQ(r.prefill_tokens + r.prefix_hit_tokens, r.input_tokens) << r.id;
      }
    }
    EXPECT_EQ(preemptions, st.preemptions);
    EXPECT_EQ(st.kv.used_blocks, 0);
  }

  // Admission order follows arrival order among the requests that were not rejected.
  void check_fcfs() {
    std::vector<RequestRecord> admitted;
    for (const RequestRecord& r : sched.records())
      if (r.status != RequestStatus::kRejected) admitted.push_back(r);
    std::stable_sort(admitted.begin(), admitted.end(),
                     [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
    for (std::size_t i = 0; i < admitted.size(); ++i)
      EXPECT_EQ(admitted[i].admission_index, static_cast<std::int64_t>(i))
          << "request " << admitted[i].id;
    for (std::size_t i = 1; i < admitted.size(); ++i)
      EXPECT_LE(*admitted[i - 1].first_scheduled_s, *admitted[i].first_scheduled_s);
  }

  Scheduler sched;
  double now = 0.0;
  std::vector<IterationPlan> plans;
  std::map<std::uint64_t, std::int64_t> emitted;
  std::map<std::uint64_t, std::int64_t> computed;
  std::int64_t max_batch = 0;
};

TEST(Scheduler, ConservesRequestsAndTokens) {
  Driver d(config_with(16384));  // room for every request at once: no preemption
  Lcg lcg{7};
  double t = 0;
  for (std::uint64_t i = 0; i < 60; ++i) {
    t += lcg.next(0, 20) * 1e-3;
    d.sched.submit(make_request(i, t, lcg.next(1, 3000), lcg.next(1, 200)));
  }
  d.run();
  d.check_complete();
  d.check_fcfs();
  EXPECT_EQ(d.sched.stats().completed, 60);
  EXPECT_EQ(d.sched.stats().preemptions, 0);
  EXPECT_GT(d.max_batch, 1) << "continuous batching runs requests together";
}

TEST(Scheduler, AdmitsInArrivalOrderEvenWhenSubmittedOutOfOrder) {
  Driver d(config_with(4096));
  // Submitted in reverse; ids deliberately do not follow arrival.
  for (int i = 9; i >= 0; --i) d.sched.submit(make_request(100 + i, 0.002 * (9 - i), 600, 20));
  d.run();
  d.check_complete();
  d.check_fcfs();
  EXPECT_EQ(d.sched.record(109).admission_index, 0);
  EXPECT_EQ(d.sched.record(100).admission_index, 9);
}

TEST(Scheduler, ChunkedPrefillSplitsLongPromptAndSharesBudgetWithDecodes) {
  SchedulerConfig c = config_with(4096);
  c.max_batched_tokens = 512;
  Driver d(c);
  d.sched.submit(make_request(0, 0.0, 10, 40));
  d.sched.submit(make_request(1, 0.0, 2000, 5));
  d.run();
  d.check_complete();
  // Iteration 0: A's prompt (10) and B's first chunk (502); then A decodes 1 + B 511 per step.
  const auto& p = d.plans;
  ASSERT_GE(p.size(), 5u);
  EXPECT_EQ(p[0].request_ids, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(p[0].batch[0].new_tokens, 10);
  EXPECT_TRUE(p[0].batch[0].samples);
  EXPECT_EQ(p[0].batch[1].new_tokens, 502);
  EXPECT_FALSE(p[0].batch[1].samples);
  std::int64_t b_prefill = 502;
  for (std::size_t i = 1; b_prefill < 2000; ++i) {
    ASSERT_EQ(p[i].request_ids.size(), 2u);
    EXPECT_EQ(p[i].request_ids[0], 0u) << "the decode comes first";
    EXPECT_EQ(p[i].batch[0].new_tokens, 1);
    EXPECT_EQ(p[i].decode_tokens, 1);
    EXPECT_EQ(p[i].batch[1].cached_tokens, b_prefill);
    const std::int64_t chunk = std::min<std::int64_t>(511, 2000 - b_prefill);
    EXPECT_EQ(p[i].batch[1].new_tokens, chunk);
    b_prefill += chunk;
    EXPECT_EQ(p[i].batch[1].samples, b_prefill == 2000) << "only the last chunk samples";
    EXPECT_LE(p[i].scheduled_tokens, 512);
  }
  // B's first token comes at the end of its last chunk.
  EXPECT_EQ(d.sched.record(1).prefill_tokens, 2000);
}

TEST(Scheduler, WithoutChunkingAPromptRunsWholeAndWaitsForBudget) {
  SchedulerConfig c = config_with(4096);
  c.max_batched_tokens = 1000;
  c.chunked_prefill = false;
  Driver d(c);
  d.sched.submit(make_request(0, 0.0, 600, 3));
  d.sched.submit(make_request(1, 0.0, 600, 3));
  d.run();
  d.check_complete();
  EXPECT_EQ(d.plans[0].request_ids, std::vector<std::uint64_t>{0});
  EXPECT_EQ(d.plans[0].batch[0].new_tokens, 600);
  EXPECT_EQ(d.plans[1].request_ids, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(d.plans[1].batch[1].new_tokens, 600);
  EXPECT_TRUE(d.plans[1].batch[1].samples);
}

TEST(Scheduler, RespectsMaxNumSeqs) {
  SchedulerConfig c = config_with(8192);
  c.max_num_seqs = 4;
  Driver d(c);
  for (std::uint64_t i = 0; i < 20; ++i) d.sched.submit(make_request(i, 0.0, 100, 30));
  d.run();
  d.check_complete();
  d.check_fcfs();
  EXPECT_EQ(d.max_batch, 4);
}

TEST(Scheduler, PreemptsUnderATinyKvCacheAndStillCompletesEveryRequest) {
  SchedulerConfig c = config_with(64);  // 1024 tokens of KV
  c.prefix_caching = false;
  Driver d(c);
  for (std::uint64_t i = 0; i < 10; ++i) d.sched.submit(make_request(i, 0.0, 200, 300));
  d.run();
  d.check_complete();
  d.check_fcfs();
  const SchedulerStats st = d.sched.stats();
  EXPECT_GT(st.preemptions, 0);
  EXPECT_EQ(st.completed, 10);
  EXPECT_EQ(st.kv.peak_used_blocks, 64);
  bool recomputed = false;
  for (const auto& r : d.sched.records())
    if (r.preemptions > 0) {
      // Recompute re-prefills the prompt and the tokens generated before the preemption.
      EXPECT_GT(r.prefill_tokens, r.input_tokens);
      recomputed = true;
    }
  EXPECT_TRUE(recomputed);
  // The victim is always the most recently admitted: request 0 is never preempted.
  EXPECT_EQ(d.sched.record(0).preemptions, 0);
}

TEST(Scheduler, RecomputeRePrefillsPromptPlusGeneratedTokens) {
  SchedulerConfig c = config_with(40);  // 640 tokens
  c.prefix_caching = false;
  Driver d(c);
  d.sched.submit(make_request(0, 0.0, 300, 300));  // peaks at 599 tokens = 38 blocks
  d.sched.submit(make_request(1, 0.0, 16, 250));   // together they outgrow 40 blocks
  d.run();
  d.check_complete();
  ASSERT_GT(d.sched.record(1).preemptions, 0);
  // Find request 1's first slot after its first admission with cached_tokens == 0 again.
  std::int64_t admissions = 0;
  for (const auto& p : d.plans)
    for (std::size_t i = 0; i < p.batch.size(); ++i)
      if (p.request_ids[i] == 1 && p.batch[i].cached_tokens == 0 && ++admissions == 2) {
        EXPECT_GT(p.batch[i].new_tokens, 16) << "prompt + generated tokens";
        EXPECT_TRUE(p.batch[i].samples) << "the re-prefill emits the next token";
      }
  EXPECT_EQ(admissions, 1 + d.sched.record(1).preemptions);
}

TEST(Scheduler, RecomputeLongerThanTheBudgetIsChunkedEvenWithoutChunkedPrefill) {
  SchedulerConfig c = config_with(40);
  c.chunked_prefill = false;
  c.max_num_seqs = 2;
  c.max_batched_tokens = 256;
  Driver d(c);
  d.sched.submit(make_request(0, 0.0, 100, 500));
  d.sched.submit(make_request(1, 0.0, 16, 500));  // preempted after ~260 tokens
  d.run();
  d.check_complete();
  ASSERT_GT(d.sched.record(1).preemptions, 0);
  EXPECT_GT(d.sched.record(1).prefill_tokens, 16 + 256);
  bool partial_chunk = false;
  for (const auto& p : d.plans)
    for (std::size_t i = 0; i < p.batch.size(); ++i)
      partial_chunk |= p.request_ids[i] == 1 && p.batch[i].new_tokens == 256 &&
                       !p.batch[i].samples && p.batch[i].cached_tokens == 0;
  EXPECT_TRUE(partial_chunk);
}

// Random traces under every combination of chunking and prefix caching, with KV caches from
// roomy to barely large enough: every invariant holds and every request ends.
TEST(Scheduler, RandomTracesKeepEveryInvariant) {
  for (bool chunked : {true, false})
    for (bool caching : {true, false})
      for (std::int64_t kv_blocks : {64, 256, 4096}) {
        SCOPED_TRACE(testing::Message() << "chunked " << chunked << " caching " << caching
                                        << " kv_blocks " << kv_blocks);
        SchedulerConfig c = config_with(kv_blocks);
        c.chunked_prefill = chunked;
        c.prefix_caching = caching;
        c.max_num_seqs = 8;
        c.max_batched_tokens = 768;
        Driver d(c);
        Lcg lcg{static_cast<std::uint64_t>(kv_blocks) + (chunked ? 1 : 0) + (caching ? 2 : 0)};
        double t = 0;
        for (std::uint64_t i = 0; i < 80; ++i) {
          t += lcg.next(0, 5) * 1e-3;
          const std::int64_t input = lcg.next(1, 1600);
          std::vector<std::uint64_t> prefix;
          const std::uint64_t family = static_cast<std::uint64_t>(lcg.next(0, 3));
          for (std::int64_t b = 0; b < (input + 511) / 512; ++b)
            prefix.push_back(b < 2 ? family * 100 + b : 100000 + i * 10 + b);
          d.sched.submit(make_request(i, t, input, lcg.next(1, 120), prefix));
        }
        d.run();
        d.check_complete();
        d.check_fcfs();
        if (::testing::Test::HasFailure()) return;
        const SchedulerStats st = d.sched.stats();
        if (kv_blocks == 64) {
          EXPECT_GT(st.preemptions, 0);
          EXPECT_GT(st.rejected, 0);  // prompts near 1024 tokens do not fit 64 blocks
        }
        if (caching) {
          EXPECT_GT(st.kv.prefix_hit_tokens, 0);
        }
      }
}

TEST(Scheduler, PrefixCachingReusesSharedPrefixes) {
  auto run = [](bool caching) {
    SchedulerConfig c = config_with(4096);
    c.prefix_caching = caching;
    auto d = std::make_unique<Driver>(c);
    for (std::uint64_t i = 0; i < 20; ++i)
      d->sched.submit(make_request(i, 0.05 * i, 2500, 10, {1, 2, 3, 4, 1000 + i}));
    d->run();
    d->check_complete();
    d->check_fcfs();
    return d;
  };
  auto cached = run(true);
  auto plain = run(false);
  const SchedulerStats a = cached->sched.stats();
  const SchedulerStats b = plain->sched.stats();
  EXPECT_EQ(a.kv.prefix_hit_tokens, 19 * 2048);
  EXPECT_EQ(a.kv.prefix_query_tokens, 20 * 2500);
  EXPECT_EQ(a.kv.prefix_miss_tokens(), 20 * 2500 - 19 * 2048);
  EXPECT_EQ(b.kv.prefix_hit_tokens, 0);
  EXPECT_EQ(a.prefill_tokens, 20 * 2500 - 19 * 2048);
  EXPECT_EQ(b.prefill_tokens, 20 * 2500);
  EXPECT_EQ(cached->sched.record(0).prefix_hit_tokens, 0);
  EXPECT_EQ(cached->sched.record(5).prefix_hit_tokens, 2048);
  // The hit shows in the batch as cached tokens that need no compute.
  for (const auto& p : cached->plans)
    for (std::size_t i = 0; i < p.batch.size(); ++i)
      if (p.request_ids[i] == 5 && p.batch[i].new_tokens > 1) {
        EXPECT_EQ(p.batch[i].cached_tokens, 2048);
        EXPECT_EQ(p.batch[i].new_tokens, 2500 - 2048);
      }
}

TEST(Scheduler, RejectsRequestsThatCanNeverRun) {
  SchedulerConfig c = config_with(100);  // 1600 tokens
  c.max_batched_tokens = 1024;
  Driver d(c);
  EXPECT_TRUE(d.sched.submit(make_request(0, 0.0, 500, 20)));
  EXPECT_FALSE(d.sched.submit(make_request(1, 0.0, 2000, 10)));
  EXPECT_FALSE(d.sched.submit(make_request(2, 0.0, 1500, 200)));
  EXPECT_TRUE(d.sched.submit(make_request(3, 0.0, 1500, 100)));  // 1599 tokens: 100 blocks
  EXPECT_FALSE(d.sched.submit(make_request(4, 0.0, 0, 10)));
  d.run();
  d.check_complete();
  d.check_fcfs();
  const RequestRecord& r = d.sched.record(1);
  EXPECT_EQ(r.status, RequestStatus::kRejected);
  EXPECT_NE(r.reject_reason.find("needs 126 KV blocks"), std::string::npos) << r.reject_reason;
  EXPECT_NE(r.reject_reason.find("holds 100"), std::string::npos) << r.reject_reason;
  EXPECT_NE(d.sched.record(4).reject_reason.find("input_tokens"), std::string::npos);
  EXPECT_EQ(d.sched.stats().rejected, 3);
  EXPECT_EQ(d.sched.stats().completed, 2);

  SchedulerConfig off = config_with(1000);
  off.max_batched_tokens = 1024;
  off.chunked_prefill = false;
  Scheduler s(off);
  EXPECT_FALSE(s.submit(make_request(0, 0.0, 1025, 1)));
  EXPECT_NE(s.record(0).reject_reason.find("max_batched_tokens"), std::string::npos);
  EXPECT_THROW(s.submit(make_request(0, 0.0, 10, 1)), InputError);  // duplicate id

  // Longer than the model's positions (a Mooncake prompt of 134,773 tokens on a 131,072-token
  // model): rejected at submission, not failed mid-run; exactly at the limit it runs.
  SchedulerConfig positions = config_with(10000);
  positions.max_model_len = 1000;
  Scheduler p(positions);
  EXPECT_TRUE(p.submit(make_request(0, 0.0, 990, 11)));   // 1000 positions
  EXPECT_FALSE(p.submit(make_request(1, 0.0, 990, 12)));  // 1001
  EXPECT_NE(p.record(1).reject_reason.find("needs 1001 positions"), std::string::npos)
      << p.record(1).reject_reason;
  EXPECT_NE(p.record(1).reject_reason.find("max_position_embeddings"), std::string::npos);
}

TEST(Scheduler, OverloadGrowsQueueingDelayWithoutFailing) {
  SchedulerConfig c = config_with(2048);
  c.max_num_seqs = 16;
  c.max_batched_tokens = 2048;
  Driver d(c);
  // One request per ms, each ~20 ms of prefill work at the fake clock's rate: far over capacity.
  for (std::uint64_t i = 0; i < 150; ++i) d.sched.submit(make_request(i, 1e-3 * i, 1000, 50));
  d.run();
  d.check_complete();
  d.check_fcfs();
  auto mean_delay = [&](std::uint64_t from, std::uint64_t to) {
    double sum = 0;
    for (std::uint64_t i = from; i < to; ++i) sum += *d.sched.record(i).queueing_delay_s();
    return sum / static_cast<double>(to - from);
  };
  const double early = mean_delay(0, 30), late = mean_delay(120, 150);
  EXPECT_GT(late, 5 * early + 0.1);
  EXPECT_GT(*d.sched.record(149).queueing_delay_s(), *d.sched.record(75).queueing_delay_s());
}

TEST(Scheduler, EmptyPlanUntilTheFirstArrival) {
  Scheduler s(config_with(100));
  EXPECT_FALSE(s.next_arrival_s().has_value());
  EXPECT_TRUE(s.next_iteration(0.0).empty());
  s.submit(make_request(0, 2.5, 10, 2));
  EXPECT_TRUE(s.next_iteration(1.0).empty());
  EXPECT_EQ(*s.next_arrival_s(), 2.5);
  IterationPlan p = s.next_iteration(2.5);
  ASSERT_FALSE(p.empty());
  EXPECT_THROW(s.next_iteration(2.6), SimulationError);  // the plan is outstanding
  IterationPlan wrong = p;
  wrong.iteration = 7;
  EXPECT_THROW(s.complete_iteration(wrong, 3.0), SimulationError);
  EXPECT_THROW(s.complete_iteration(p, 2.0), SimulationError);  // ends before it started
  s.complete_iteration(p, 2.6);
  EXPECT_EQ(*s.record(0).queueing_delay_s(), 0.0);
  EXPECT_NEAR(*s.record(0).ttft_s(), 0.1, 1e-12);
}

TEST(KvBlockManager, SharesPrefixBlocksAndEvictsLeastRecentlyUsed) {
  KvBlockManager kv(12, 16, 64);  // 3 prefix blocks of 4 KV blocks
  const std::vector<std::uint64_t> a = {1, 2}, b = {3};
  kv.start(10, {}, 0, 8, 128);
  EXPECT_TRUE(kv.publish(10, 1));
  EXPECT_TRUE(kv.publish(10, 2));
  EXPECT_FALSE(kv.publish(10, 2)) << "already cached";
  EXPECT_EQ(kv.held_blocks(10), 8);
  kv.start(11, {}, 0, 4, 64);
  EXPECT_TRUE(kv.publish(11, 3));
  EXPECT_EQ(kv.stats().used_blocks, 12);
  EXPECT_FALSE(kv.can_grow(1));
  kv.release(10);  // 2, then 1, become idle: 2 is the least recently used
  kv.release(11);  // then 3
  EXPECT_EQ(kv.stats().used_blocks, 0);
  EXPECT_EQ(kv.stats().cached_idle_blocks, 12);
  EXPECT_EQ(kv.match_prefix(a, 5), 2);
  // A new sequence hitting prefix {1} pins it; 8 more blocks evict 2 and 3, not 1.
  EXPECT_TRUE(kv.can_start(a, 1, 8));
  EXPECT_FALSE(kv.can_start(a, 1, 9));
  kv.start(12, a, 1, 8, 192);
  EXPECT_EQ(kv.match_prefix(a, 5), 1);
  EXPECT_EQ(kv.match_prefix(b, 5), 0);
  const KvCacheStats st = kv.stats();
  EXPECT_EQ(st.evicted_blocks, 8);
  EXPECT_EQ(st.used_blocks, 12);
  EXPECT_EQ(st.prefix_hit_tokens, 64);
  EXPECT_EQ(st.prefix_query_tokens, 128 + 64 + 192);
  EXPECT_DOUBLE_EQ(st.utilisation(), 1.0);
  EXPECT_EQ(st.peak_used_blocks, 12);
}

TEST(SchedulerConfig, RejectsInvalidValuesNamingFieldRuleAndValue) {
  auto message = [](SchedulerConfig c) {
    try {
      validate_scheduler_config(c);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(config_with(1)), "no error");
  EXPECT_NE(message(SchedulerConfig{}).find("kv_blocks: must be >= 1"), std::string::npos);
  SchedulerConfig c = config_with(10);
  c.max_num_seqs = 0;
  EXPECT_EQ(message(c), "scheduler config: max_num_seqs: must be in [1, 4096], got 0");
  c = config_with(10);
  c.max_batched_tokens = 100;
  EXPECT_NE(message(c).find("max_batched_tokens: must be >= max_num_seqs (256)"),
            std::string::npos);
  EXPECT_NE(message(c).find("got 100"), std::string::npos);
  c = config_with(10);
  c.block_tokens = 0;
  EXPECT_NE(message(c).find("block_tokens: must be in [1, 65536], got 0"), std::string::npos);
  c = config_with(10);
  c.block_tokens = 48;
  EXPECT_NE(message(c).find("prefix_block_tokens: must be a multiple of block_tokens (48)"),
            std::string::npos);
  c.prefix_caching = false;
  EXPECT_EQ(message(c), "no error");
  c = config_with(-3);
  EXPECT_NE(message(c).find("got -3"), std::string::npos);
  EXPECT_THROW(Scheduler{SchedulerConfig{}}, InputError);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
