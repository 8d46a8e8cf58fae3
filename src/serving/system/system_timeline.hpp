#pragma once
// Serving on a system in a timeline: each replica's iterations on a track of its own (process
// "replicas"), each KV transfer on the track of its link (process "kv links"), and every
// request's life as in one-chip serving (ServingTimeline). Iterations are measured apart from
// the shared clock (cost model, or whole graphs with --exact), so no operator detail is drawn.
#include <cstdint>
#include <vector>

#include "maia/report/timeline.hpp"
#include "maia/serving/serving_timeline.hpp"
#include "maia/serving/system/system_serving.hpp"
#include "replica.hpp"

namespace maia {

class SystemTimeline {
 public:
  explicit SystemTimeline(Timeline* t);  // nullptr: every call does nothing
  // The iteration `r` has just started.
  void iteration(const Replica& r);
  void transfer(const KvTransferRecord& x, std::int64_t src_chip, std::int64_t dst_chip,
                std::int64_t chips);
  void requests(const std::vector<RequestRecord>& records) { serving_.requests(records); }

 private:
  Timeline* t_;
  ServingTimeline serving_;
};

}  // namespace maia
