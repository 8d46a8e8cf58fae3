#include "maia/hw/engine/queue_engine.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace maia {

QueueEngine::QueueEngine(sc_core::sc_module_name name, EngineKind kind, Location where,
                         SemaphoreFabric& sync, OccupancyServer* issue_port, Picos issue_cost)
    : sc_module(name),
      kind_(kind),
      where_(std::move(where)),
      sync_(sync),
      issue_port_(issue_port),
      issue_cost_(issue_cost) {
  SC_THREAD(run);
}

void QueueEngine::assign(const Program& program, const Queue& queue) {
  program_ = &program;
  queue_ = &queue;
  next_ = 0;
  done_ = false;
  spans_.clear();
  phase_busy_ps_ = 0;
  spans_.reserve(queue.instructions.size());
  assigned_.notify(sc_core::SC_ZERO_TIME);
}

void QueueEngine::unassign() {
  program_ = nullptr;
  queue_ = nullptr;
}

void QueueEngine::wait_until(Picos t) {
  const Picos now = now_ps();
  if (t > now) sc_core::wait(to_sc(t - now));
}

void QueueEngine::run() {
  for (;;) {
    if (!queue_ || done_) {
      sc_core::wait(assigned_);
      continue;
    }
    run_queue();
  }
}

void QueueEngine::run_queue() {
  for (; next_ < queue_->instructions.size(); ++next_, ++executed_) {
    const Instruction& in = queue_->instructions[next_];
    const Picos wait_start = now_ps();
    waiting_ = true;
    sync_.acquire(in.waits);
    waiting_ = false;
    sem_wait_ps_ += now_ps() - wait_start;
    if (issue_port_ && issue_cost_ > 0) {
      // The tile control processor issues every macro-instruction of its tile, one at a time.
      const Reservation r = issue_port_->reserve(now_ps(), issue_cost_);
      wait_until(r.end);
      issue_ps_ += issue_cost_;
    }
    const Picos start = now_ps();
    if (first_start_ < 0) first_start_ = start;
    const Picos done = std::max(execute(in), now_ps());
    // Instructions start in order, so the part of [start, done) not yet covered lies after the
    // latest completion so far: adding it keeps busy time the measure of the union.
    const Picos newly_busy = std::max<Picos>(0, done - std::max(start, last_done_));
    busy_ps_ += newly_busy;
    phase_busy_ps_ += newly_busy;
    last_done_ = std::max(last_done_, done);
    spans_.push_back({start, done});
    sync_.release(in.signals, where_, done);
  }
  wait_until(last_done_);
  finish_ps_ = now_ps();
  done_ = true;
}

std::string QueueEngine::stuck_report() const {
  if (finished()) return "";
  const Instruction& in = queue_->instructions[next_];
  std::string waits;
  for (const auto& w : in.waits) {
    const auto& d = sync_.decl(w.semaphore);
    waits += fmt::format("{}{} (has {}, needs {})", waits.empty() ? "" : ", ", d.name,
                         sync_.value(w.semaphore), w.count);
  }
  return fmt::format("{}: instruction {} ({}, {}) {}", name(), next_, opcode_name(in.op), in.where,
                     waiting_ ? "waits for " + waits : std::string("did not complete"));
}

void QueueEngine::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  g.set("instructions", static_cast<double>(executed_), "count", "macro-instructions completed");
  g.set("busy_ns", ps_to_ns(busy_ps_), "ns", "time executing instructions");
  g.set("semaphore_wait_ns", ps_to_ns(sem_wait_ps_), "ns", "time blocked on semaphores");
  g.set("issue_ns", ps_to_ns(issue_ps_), "ns", "TCP issue time paid by this queue");
  g.set("first_start_ns", ps_to_ns(std::max<Picos>(first_start_, 0)), "ns",
        "start of the first instruction");
  g.set("finish_ns", ps_to_ns(finish_ps_), "ns", "end of the last instruction");
  add_stats(g);
  out.push_back(std::move(g));
}

}  // namespace maia
