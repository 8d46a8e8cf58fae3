#pragma once
// The serving loop's part of a timeline (maia/sim/timeline_recording.hpp): a span per request
// (queued, prefill, decode inside) and per iteration (host upload, operators, host return
// inside), placed on the serving loop's clock (seconds since the trace's time 0).
//
// With `exact` every iteration's operator graph runs where the iteration is, so its operators,
// engine instructions and HBM channel activity are drawn inside it. Otherwise iteration times
// are the IterationCostModel's interpolation of separately measured parts, which have no place
// on the serving clock: iterations and requests are drawn, operators and engines are not (the
// file says so). Either way nothing the simulator measures between iterations is drawn.
#include <vector>

#include "maia/report/timeline.hpp"
#include "maia/serving/scheduler/iteration_plan.hpp"
#include "maia/serving/scheduler/request_record.hpp"

namespace maia {

class ServingTimeline {
 public:
  // Draws on `t`; nullptr: every call does nothing.
  ServingTimeline(Timeline* t, bool exact);

  // Before the iteration planned at `now_s` runs; its prompt upload takes upload_ns.
  void begin_iteration(double now_s, double upload_ns);
  // After it ran: t_ns in all, of which upload_ns and return_ns on the host interface;
  // `simulated`: its time came from new simulations (not only reused measurements).
  void end_iteration(const IterationPlan& plan, double t_ns, double upload_ns, double return_ns,
                     bool simulated);
  // Every request's life, once the loop is over.
  void requests(const std::vector<RequestRecord>& records);

 private:
  Timeline* t_;
  bool exact_;
  Picos start_ = 0, last_end_ = 0;
};

}  // namespace maia
