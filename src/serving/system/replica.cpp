#include "replica.hpp"

#include <algorithm>

#include "maia/core/error.hpp"

namespace maia {

Replica::Replica(std::size_t index, ReplicaRole role, std::int64_t first_chip, std::int64_t chips,
                 const ServingResult& frame)
    : index_(index),
      role_(role),
      first_chip_(first_chip),
      chips_(chips),
      acc_(frame),
      sched_(frame.config) {}

void Replica::expect(const Request& r) {
  outstanding_[r.id] = r.input_tokens + r.output_tokens;
  if (hashes_of_.count(r.id) == 0) {
    hashes_of_[r.id] = r.prefix_blocks;
    for (std::uint64_t h : r.prefix_blocks) ++inflight_hashes_[h];
  }
}

bool Replica::assign(const Request& r) {
  expect(r);
  upload_tokens_[r.id] = r.input_tokens - r.kv_ready_tokens;
  if (sched_.submit(r)) return true;
  forget(r.id);  // rejected: not outstanding
  return false;
}

void Replica::forget(std::uint64_t id) {
  outstanding_.erase(id);
  auto it = hashes_of_.find(id);
  if (it == hashes_of_.end()) return;
  for (std::uint64_t h : it->second)
    if (--inflight_hashes_[h] == 0) inflight_hashes_.erase(h);
  hashes_of_.erase(it);
}

std::int64_t Replica::outstanding_tokens() const {
  std::int64_t sum = 0;
  for (const auto& [id, tokens] : outstanding_) {
    // A request still travelling to it has no record yet: nothing done.
    sum += tokens - (upload_tokens_.count(id) != 0 ? sched_.record(id).generated : 0);
  }
  return sum;
}

std::int64_t Replica::prefix_match_blocks(const std::vector<std::uint64_t>& hashes) const {
  const std::int64_t cached = sched_.cached_prefix_blocks(hashes);
  std::int64_t n = 0;
  while (n < static_cast<std::int64_t>(hashes.size()) &&
         (n < cached || inflight_hashes_.count(hashes[static_cast<std::size_t>(n)]) != 0))
    ++n;
  return n;
}

bool Replica::start(double now_s, IterationTimer& timer) {
  if (busy()) throw SimulationError("replica: start while an iteration runs");
  IterationPlan plan = sched_.next_iteration(now_s);
  if (plan.empty()) return false;
  // Token ids go up for the tokens a request computes the first time it runs here (a decode
  // replica's moved-in prompt is already on the device; a recompute finds the ids there).
  std::uint64_t up = 0;
  for (std::uint64_t id : plan.request_ids)
    if (uploaded_.insert(id).second) up += static_cast<std::uint64_t>(upload_tokens_.at(id));
  time_ = timer.time(plan, up);
  start_s_ = now_s;
  end_s_ = now_s + time_.t_ns / 1e9;
  plan_ = std::move(plan);
  return true;
}

std::vector<std::uint64_t> Replica::complete() {
  if (!busy()) throw SimulationError("replica: complete without an iteration");
  const IterationPlan& plan = *plan_;
  const double t_ns = time_.t_ns;
  acc_.kv_block_seconds += static_cast<double>(sched_.stats().kv.used_blocks) * t_ns / 1e9;
  acc_.host_upload_bytes += time_.upload_bytes;
  acc_.host_return_bytes += time_.return_bytes;
  acc_.host_upload_ns += time_.upload_ns;
  acc_.host_return_ns += time_.return_ns;
  ++acc_.iterations;
  (time_.simulated ? acc_.simulated_iterations : acc_.reused_iterations)++;
  ServingPhase& ph = plan.prefill_tokens > 0 ? acc_.prefill : acc_.decode;
  ++ph.iterations;
  if (time_.simulated) ++ph.simulated;
  ph.tokens += plan.scheduled_tokens;
  ph.time_ns += t_ns;
  busy_s_ += t_ns / 1e9;
  sched_.complete_iteration(plan, end_s_);
  std::vector<std::uint64_t> finished;
  for (std::uint64_t id : plan.request_ids)
    if (sched_.record(id).finished() && outstanding_.count(id) != 0) {
      finished.push_back(id);
      forget(id);
    }
  plan_.reset();
  return finished;
}

ReplicaResult Replica::result(double first_arrival_s, double end_s) const {
  ReplicaResult r;
  r.index = index_;
  r.role = role_;
  r.first_chip = first_chip_;
  r.chips = chips_;
  r.serving = acc_;
  r.serving.records = sched_.records();
  r.serving.stats = sched_.stats();
  r.serving.first_arrival_s = first_arrival_s;
  r.serving.end_s = end_s;
  r.busy_s = busy_s_;
  return r;
}

}  // namespace maia
