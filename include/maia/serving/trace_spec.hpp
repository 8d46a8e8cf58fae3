#pragma once
// The front door to request traces: a TraceSpec names the trace (a file or a synthetic
// generator) and the options common to all, load_requests returns the requests in arrival order.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "maia/serving/loaded_trace.hpp"
#include "maia/serving/request.hpp"
#include "maia/serving/synthetic_trace.hpp"

namespace maia {

// Request arrivals must lie within this many seconds of the first one (after time_scale).
inline constexpr double kMaxArrivalSeconds = 366.0 * 24 * 3600;

struct TraceSpec {
  // "azure", "mooncake" or "synthetic"; empty: from the file's extension (.csv: azure,
  // .jsonl: mooncake).
  std::string kind;
  std::string file;               // azure and mooncake
  bool skip_bad_rows = false;     // count malformed rows instead of failing on the first
  std::int64_t max_requests = 0;  // keep the first N requests (0: all)
  double duration_s = 0.0;        // keep requests with arrival_s < duration_s (0: all)
  double time_scale = 1.0;        // arrival_s /= time_scale (> 1 replays faster)
  SyntheticSpec synthetic;        // kind "synthetic"
};

// The reader kind the spec selects; InputError for an unknown kind or extension.
std::string trace_kind(const TraceSpec& spec);

// Applies time_scale, then duration_s, then max_requests to requests in arrival order.
void apply_trace_options(std::vector<Request>& requests, const TraceSpec& spec);

// Reads or generates the trace and applies the options; reports skipped rows. A trace left with
// no request is an InputError.
LoadedTrace load_trace(const TraceSpec& spec);

// load_trace's requests; when malformed rows were skipped, logs one warning (maia/core/log.hpp).
std::vector<Request> load_requests(const TraceSpec& spec);

}  // namespace maia
