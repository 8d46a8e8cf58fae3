#include "maia/serving/trace_spec.hpp"

#include <cmath>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/core/log.hpp"
#include "maia/serving/azure_trace.hpp"
#include "maia/serving/mooncake_trace.hpp"

namespace maia {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Where an error about the spec's options happened: the file, or the generator.
std::string where(const TraceSpec& spec) {
  return spec.file.empty() ? std::string("synthetic trace") : spec.file;
}

void validate_options(const TraceSpec& spec) {
  if (spec.max_requests < 0)
    throw InputError(fmt::format("{}: max_requests: must be >= 0 (0: all), got {}", where(spec),
                                 spec.max_requests));
  if (!(spec.duration_s >= 0) || !std::isfinite(spec.duration_s))
    throw InputError(fmt::format("{}: duration_s: must be a finite number >= 0 (0: all), got {}",
                                 where(spec), spec.duration_s));
  if (!(spec.time_scale > 0) || !std::isfinite(spec.time_scale))
    throw InputError(fmt::format("{}: time_scale: must be a finite number > 0, got {}", where(spec),
                                 spec.time_scale));
}

}  // namespace

std::string trace_kind(const TraceSpec& spec) {
  static const std::vector<std::string> kKinds = {"azure", "mooncake", "synthetic"};
  if (!spec.kind.empty()) {
    for (const auto& k : kKinds)
      if (spec.kind == k) return k;
    const std::string near = nearest_match(spec.kind, kKinds);
    throw InputError(
        fmt::format("trace kind: must be one of azure, mooncake, synthetic, got "
                    "\"{}\"{}",
                    spec.kind, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  }
  if (ends_with(spec.file, ".csv")) return "azure";
  if (ends_with(spec.file, ".jsonl")) return "mooncake";
  throw InputError(fmt::format(
      "{}: trace kind: cannot tell from the file name (.csv: azure, .jsonl: mooncake); name the "
      "kind",
      spec.file.empty() ? std::string("(no file)") : spec.file));
}

void apply_trace_options(std::vector<Request>& requests, const TraceSpec& spec) {
  validate_options(spec);
  std::size_t keep = requests.size();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].arrival_s /= spec.time_scale;
    if (spec.duration_s > 0 && !(requests[i].arrival_s < spec.duration_s) && keep > i) keep = i;
  }
  if (spec.max_requests > 0 && keep > static_cast<std::size_t>(spec.max_requests))
    keep = static_cast<std::size_t>(spec.max_requests);
  requests.resize(keep);
  // Arrivals are kept in seconds as doubles; a scale that pushes them beyond the simulator's
  // time range (or to infinity) would report "inf s simulated", so it is refused.
  for (const auto& r : requests)
    if (!(r.arrival_s <= kMaxArrivalSeconds))
      throw InputError(fmt::format(
          "{}: request {} arrives at {:g} s after the first (time_scale {:g}): arrivals must be "
          "within {:g} s (about a year) of the first",
          where(spec), r.id, r.arrival_s, spec.time_scale, kMaxArrivalSeconds));
}

LoadedTrace load_trace(const TraceSpec& spec) {
  validate_options(spec);
  const std::string kind = trace_kind(spec);
  LoadedTrace trace;
  if (kind == "azure") {
    trace = read_azure_trace_file(spec.file, spec.skip_bad_rows);
  } else if (kind == "mooncake") {
    trace = read_mooncake_trace_file(spec.file, spec.skip_bad_rows);
  } else {
    trace.requests = generate_synthetic_trace(spec.synthetic, spec.max_requests, spec.duration_s,
                                              spec.time_scale);
  }
  apply_trace_options(trace.requests, spec);
  if (trace.requests.empty())
    throw InputError(fmt::format("{}: no requests to serve{}", where(spec),
                                 trace.skipped_rows > 0
                                     ? fmt::format(" ({} malformed row(s) skipped; first: {})",
                                                   trace.skipped_rows, trace.skipped.front())
                                     : std::string(" (an empty trace, or the options kept none)")));
  return trace;
}

std::vector<Request> load_requests(const TraceSpec& spec) {
  LoadedTrace trace = load_trace(spec);
  if (trace.skipped_rows > 0)
    logger().warn("{}: skipped {} malformed row(s); first: {}", spec.file, trace.skipped_rows,
                  trace.skipped.front());
  return std::move(trace.requests);
}

}  // namespace maia
