#pragma once
// One replica of serving on a system: its own continuous-batching scheduler and KV cache, run
// one iteration at a time by the system's event loop (system_serving.cpp) on the shared clock.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "iteration_timer.hpp"
#include "maia/serving/scheduler/scheduler.hpp"
#include "maia/serving/system/router.hpp"
#include "maia/serving/system/system_serving.hpp"

namespace maia {

class Replica : public RoutableReplica {
 public:
  Replica(std::size_t index, ReplicaRole role, std::int64_t first_chip, std::int64_t chips,
          const ServingResult& frame);

  std::size_t index() const { return index_; }
  ReplicaRole role() const { return role_; }
  std::int64_t first_chip() const { return first_chip_; }

  // Counts `r` as outstanding from now (a decode replica's request while its KV travels).
  void expect(const Request& r);
  // Submits `r` to its scheduler now (counted as outstanding until it finishes); false when
  // the scheduler rejected it (it can never run here).
  bool assign(const Request& r);

  bool busy() const { return plan_.has_value(); }
  double busy_until() const { return end_s_; }
  bool idle() const { return !busy() && sched_.idle(); }
  const IterationPlan& plan() const { return *plan_; }
  const IterationTime& iteration_time() const { return time_; }
  double iteration_start_s() const { return start_s_; }

  // Plans the iteration at now_s and times it; false (nothing started) when none is admissible.
  bool start(double now_s, IterationTimer& timer);
  // Ends the running iteration at busy_until(); the requests that finished in it.
  std::vector<std::uint64_t> complete();

  const Scheduler& scheduler() const { return sched_; }
  // Its result once the loop is over (span: the system's first arrival and end).
  ReplicaResult result(double first_arrival_s, double end_s) const;

  std::int64_t outstanding_tokens() const override;
  std::int64_t prefix_match_blocks(const std::vector<std::uint64_t>& hashes) const override;

 private:
  void forget(std::uint64_t id);

  std::size_t index_;
  ReplicaRole role_;
  std::int64_t first_chip_, chips_;
  ServingResult acc_;  // the frame (config, memory) and the counters so far
  Scheduler sched_;
  std::optional<IterationPlan> plan_;
  IterationTime time_;
  double start_s_ = 0, end_s_ = 0, busy_s_ = 0;
  std::set<std::uint64_t> uploaded_;
  std::unordered_map<std::uint64_t, std::int64_t> upload_tokens_;  // submitted: tokens it computes
  // Requests assigned or expected, not finished: id -> prompt + output tokens.
  std::map<std::uint64_t, std::int64_t> outstanding_;
  // Prefix hash ids of those requests (how many of them hold each).
  std::unordered_map<std::uint64_t, std::int64_t> inflight_hashes_;
  std::map<std::uint64_t, std::vector<std::uint64_t>> hashes_of_;
};

}  // namespace maia
