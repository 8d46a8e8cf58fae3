#include "maia/serving/serving_timeline.hpp"

#include <algorithm>
#include <cmath>

#include "maia/sim/timeline_recording.hpp"

namespace maia {
namespace {

Picos seconds_to_ps(double s) { return static_cast<Picos>(std::llround(s * 1e12)); }

}  // namespace

ServingTimeline::ServingTimeline(Timeline* t, bool exact) : t_(t), exact_(exact) {
  if (!t_) return;
  t_->set_detail(false);  // on only while an iteration's own operators run
  t_->note("operator_detail",
           exact ? "--exact: every iteration's operators were simulated where the iteration is; "
                   "engine and HBM spans belong to simulated operators; operators with "
                   "reused=true repeat an identical operator's measurement (no engine detail)"
                 : "iteration times come from the iteration cost model (interpolated "
                   "measurements), so iterations have no operator, engine or HBM detail; run "
                   "with --exact for it");
}

void ServingTimeline::begin_iteration(double now_s, double upload_ns) {
  if (!t_) return;
  start_ = std::max(seconds_to_ps(now_s), last_end_);  // no overlap from rounding
  if (!exact_) return;
  t_->set_cursor(start_ + ns_to_ps(upload_ns));
  t_->set_detail(true);
}

void ServingTimeline::end_iteration(const IterationPlan& plan, double t_ns, double upload_ns,
                                    double return_ns, bool simulated) {
  if (!t_) return;
  t_->set_detail(false);
  const Picos up = ns_to_ps(upload_ns), back = ns_to_ps(return_ns);
  // Operators (exact) end at the cursor; the host return follows them.
  const Picos ops_end = exact_ ? std::max(t_->cursor(), start_ + up) : start_ + up;
  const Picos return_start = std::max(ops_end, start_ + ns_to_ps(t_ns) - back);
  const Picos end = return_start + back;
  const char* name =
      plan.prefill_tokens > 0 ? (plan.decode_tokens > 0 ? "mixed" : "prefill") : "decode";
  SpanArgs a;
  a.add("iteration", plan.iteration)
      .add("sequences", static_cast<std::uint64_t>(plan.batch.size()))
      .add("prefill_tokens", plan.prefill_tokens)
      .add("decode_tokens", plan.decode_tokens)
      .add("admitted", plan.admitted)
      .add("preemptions", plan.preemptions)
      .add("time_ns", t_ns)
      .add("simulated", simulated)
      .add("estimated", !exact_);
  record_iteration(*t_, start_, end, name, a);
  const std::uint32_t track = timeline_iteration_track(*t_);
  if (up > 0)
    t_->span(SpanKind::kIteration, track, "host upload", start_, start_ + up,
             SpanArgs{}.add("iteration", plan.iteration).add("time_ns", upload_ns));
  if (back > 0)
    t_->span(SpanKind::kIteration, track, "host return", return_start, end,
             SpanArgs{}.add("iteration", plan.iteration).add("time_ns", return_ns));
  last_end_ = end;
}

void ServingTimeline::requests(const std::vector<RequestRecord>& records) {
  if (!t_) return;
  std::vector<RequestTimeline> out;
  out.reserve(records.size());
  const auto ps = [](const std::optional<double>& s) { return s ? seconds_to_ps(*s) : Picos{-1}; };
  for (const auto& rec : records) {
    RequestTimeline q;
    q.id = rec.id;
    q.arrival = seconds_to_ps(rec.arrival_s);
    q.scheduled = ps(rec.first_scheduled_s);
    q.first_token = ps(rec.first_token_s);
    q.finish = ps(rec.finish_s);
    q.rejected = rec.status == RequestStatus::kRejected;
    q.args.add("id", rec.id)
        .add("status", to_string(rec.status))
        .add("input_tokens", rec.input_tokens)
        .add("output_tokens", rec.output_tokens)
        .add("generated", rec.generated)
        .add("preemptions", rec.preemptions)
        .add("prefix_hit_tokens", rec.prefix_hit_tokens);
    if (auto v = rec.ttft_s()) q.args.add("ttft_ms", *v * 1e3);
    if (auto v = rec.e2e_s()) q.args.add("e2e_ms", *v * 1e3);
    if (!rec.reject_reason.empty()) q.args.add("reason", rec.reject_reason);
    out.push_back(std::move(q));
  }
  record_requests(*t_, out);
}

}  // namespace maia
