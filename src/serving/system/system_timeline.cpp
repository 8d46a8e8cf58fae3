#include "system_timeline.hpp"

#include <cmath>

#include <fmt/format.h>

namespace maia {
namespace {

// After "requests" (1) and "serving" (2) of one-chip serving.
constexpr int kReplicasOrder = 3, kLinksOrder = 4;

Picos seconds_to_ps(double s) { return static_cast<Picos>(std::llround(s * 1e12)); }

}  // namespace

SystemTimeline::SystemTimeline(Timeline* t) : t_(t), serving_(t, false) {
  if (t_)
    t_->note("serving_system",
             "one track per replica (process 'replicas'), one per KV link (process 'kv links'); "
             "no operator detail (iteration times from the cost model, or whole-graph "
             "simulations with --exact, measured apart from the clock)");
}

void SystemTimeline::iteration(const Replica& r) {
  if (!t_) return;
  const IterationPlan& plan = r.plan();
  const IterationTime& x = r.iteration_time();
  const std::uint32_t track = t_->track(
      "replicas", kReplicasOrder,
      fmt::format("replica {} ({}, chip {})", r.index(), to_string(r.role()), r.first_chip()),
      static_cast<int>(r.index()));
  const char* name =
      plan.prefill_tokens > 0 ? (plan.decode_tokens > 0 ? "mixed" : "prefill") : "decode";
  SpanArgs a;
  a.add("replica", static_cast<std::uint64_t>(r.index()))
      .add("iteration", plan.iteration)
      .add("sequences", static_cast<std::uint64_t>(plan.batch.size()))
      .add("prefill_tokens", plan.prefill_tokens)
      .add("decode_tokens", plan.decode_tokens)
      .add("admitted", plan.admitted)
      .add("preemptions", plan.preemptions)
      .add("time_ns", x.t_ns)
      .add("simulated", x.simulated);
  t_->span(SpanKind::kIteration, track, name, seconds_to_ps(r.iteration_start_s()),
           seconds_to_ps(r.busy_until()), a);
}

void SystemTimeline::transfer(const KvTransferRecord& x, std::int64_t src_chip,
                              std::int64_t dst_chip, std::int64_t chips) {
  if (!t_) return;
  const std::uint32_t track =
      t_->track("kv links", kLinksOrder,
                fmt::format("replica {} -> {} (chip {} -> {}{})", x.from, x.to, src_chip, dst_chip,
                            chips > 1 ? fmt::format(", x{} chips", chips) : std::string()),
                static_cast<int>(x.from * 1024 + x.to));
  SpanArgs a;
  a.add("request", x.request)
      .add("bytes", x.bytes)
      .add("ready_s", x.ready_s)
      .add("queued_ms", (x.start_s - x.ready_s) * 1e3)
      .add("transfer_ms", (x.end_s - x.start_s) * 1e3);
  t_->span(SpanKind::kIteration, track, fmt::format("KV request {}", x.request),
           seconds_to_ps(x.start_s), seconds_to_ps(x.end_s), a);
}

}  // namespace maia
