#pragma once
// Iteration-level continuous batching, first come first served, over a paged KV cache with
// chunked prefill, prefix caching and preemption by recompute (docs/scheduler.md). Pure
// bookkeeping: the serving loop runs each plan on the chip model and reports when it ended:
//
//   auto plan = sched.next_iteration(now_s);
//   if (plan.empty()) now_s = *sched.next_arrival_s(); else {run plan.batch; complete_iteration}
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "maia/serving/request.hpp"
#include "maia/serving/scheduler/iteration_plan.hpp"
#include "maia/serving/scheduler/kv_block_manager.hpp"
#include "maia/serving/scheduler/request_record.hpp"
#include "maia/serving/scheduler/scheduler_config.hpp"

namespace maia {

struct SchedulerStats {
  std::int64_t submitted = 0;
  std::int64_t completed = 0;
  std::int64_t rejected = 0;
  std::int64_t waiting = 0;  // queued, arrived or not (preempted ones included)
  std::int64_t running = 0;  // KV-resident
  std::int64_t iterations = 0;
  std::int64_t preemptions = 0;
  std::int64_t prefill_tokens = 0;  // computed, recompute included
  std::int64_t decode_tokens = 0;
  // Speculative decoding: decode steps that verified drafts, drafts verified, drafts accepted,
  // and KV blocks rolled back for rejected drafts.
  std::int64_t speculative_steps = 0;
  std::int64_t draft_tokens = 0;
  std::int64_t accepted_tokens = 0;
  std::int64_t rolled_back_blocks = 0;
  KvCacheStats kv;
  std::int64_t in_flight() const { return waiting + running; }
};

class Scheduler {
 public:
  explicit Scheduler(const SchedulerConfig& config);  // validates it

  const SchedulerConfig& config() const { return config_; }

  // Queues a request (kept in arrival order; it becomes admissible once now_s >= arrival_s).
  // One that can never run (see docs/scheduler.md) is rejected: its record says why and this
  // returns false. Throws InputError for a duplicate id or a bad arrival time.
  bool submit(const Request& request);

  // Plans the iteration starting at now_s. An empty plan means nothing is admissible yet.
  // A non-empty plan must be handed to complete_iteration before the next call.
  IterationPlan next_iteration(double now_s);
  // Ends the outstanding plan at end_s: advances its sequences, emits tokens, retires finished
  // requests (their prefix blocks stay cached).
  void complete_iteration(const IterationPlan& plan, double end_s);
  // With speculative decoding: accepted[i] (0..plan.drafts[i]) drafts of batch[i] were
  // accepted; the sequence emits accepted[i] + 1 tokens at end_s and the KV of the rejected
  // drafts is rolled back. Without, or with an empty `accepted`, no draft is accepted.
  void complete_iteration(const IterationPlan& plan, double end_s,
                          const std::vector<std::int64_t>& accepted);

  // The earliest arrival among waiting requests; nullopt when none waits.
  std::optional<double> next_arrival_s() const;
  // How many leading `hashes` the prefix cache holds now (0 with prefix caching off).
  std::int64_t cached_prefix_blocks(const std::vector<std::uint64_t>& hashes) const;
  // Nothing waiting or running.
  bool idle() const { return waiting_.empty() && running_.empty(); }

  const std::vector<RequestRecord>& records() const { return records_; }  // submission order
  const RequestRecord& record(std::uint64_t id) const;
  SchedulerStats stats() const;

 private:
  struct Live {
    Request request;
    std::size_t record = 0;  // index into records_
    bool running = false;
    std::int64_t computed = 0;   // tokens whose KV is resident (this residency)
    std::int64_t generated = 0;  // output tokens emitted so far (kept across preemptions)
    std::int64_t published = 0;  // leading prefix blocks referenced in the KV manager
    std::int64_t total() const { return request.input_tokens + generated; }
  };
  struct Slot {
    std::uint64_t id = 0;
    Sequence seq;
    bool decode = false;
    std::int64_t drafts = 0;
  };

  std::optional<std::string> rejection(const Request& r) const;
  std::int64_t hittable_prefix_blocks(const Live& s) const;
  std::int64_t publishable_prefix_blocks(const Live& s) const;
  const std::vector<std::uint64_t>& prefix_hashes(const Live& s) const;
  bool schedule_running(std::uint64_t id, std::int64_t tokens, std::vector<Slot>& slots,
                        std::int64_t& budget, std::int64_t& preempted, std::int64_t drafts = 0);
  void preempt(std::uint64_t id, std::vector<Slot>& slots, std::int64_t& budget);
  bool admit_next(double now_s, std::vector<Slot>& slots, std::int64_t& budget);
  void publish_prefix(std::uint64_t id, Live& s);
  void finish(std::uint64_t id, Live& s, double end_s);

  SchedulerConfig config_;
  KvBlockManager kv_;
  std::vector<RequestRecord> records_;
  std::unordered_map<std::uint64_t, std::size_t> index_;  // id -> records_
  std::unordered_map<std::uint64_t, Live> live_;          // waiting or running requests
  std::deque<std::uint64_t> waiting_;                     // arrival order, preempted in front
  std::vector<std::uint64_t> running_;                    // admission order
  std::optional<std::uint64_t> outstanding_;              // iteration planned, not completed
  std::uint64_t iterations_ = 0;                          // plans numbered
  std::int64_t iterations_done_ = 0;                      // plans completed
  std::int64_t admissions_ = 0;
  std::int64_t completed_ = 0;
  std::int64_t rejected_ = 0;
  std::int64_t preemptions_ = 0;
  std::int64_t prefill_tokens_ = 0;
  std::int64_t decode_tokens_ = 0;
  std::int64_t speculative_steps_ = 0, draft_tokens_ = 0, accepted_tokens_ = 0;
  std::int64_t rolled_back_blocks_ = 0;
};

}  // namespace maia
