#pragma once
// Synthetic request traces: Poisson or Gamma arrivals at a mean rate, or a burst of requests all
// arriving at time 0 (an offline max-load benchmark), token lengths fixed, uniform or drawn from
// a length table. Deterministic for a seed on every platform.
#include <cstdint>
#include <string>
#include <vector>

#include "maia/serving/request.hpp"

namespace maia {

struct SyntheticSpec {
  std::string arrival = "poisson";   // "poisson", "gamma" inter-arrival times, or "burst"
  double rate = 1.0;                 // mean requests per second (not read by "burst")
  double gamma_shape = 1.0;          // k of "gamma": inter-arrival CV = 1/sqrt(k)
  std::string lengths = "fixed";     // "fixed", "uniform" or "table"
  std::int64_t input_tokens = 2048;  // "fixed"
  std::int64_t output_tokens = 128;
  std::int64_t input_min = 1;  // "uniform": both ends included
  std::int64_t input_max = 4096;
  std::int64_t output_min = 1;
  std::int64_t output_max = 512;
  std::string length_table;  // "table": CSV file (see length_table.hpp)
  std::uint64_t seed = 1;
};

// Generates requests until `max_requests` (0: no limit) or until arrival_s / time_scale reaches
// `duration_s` (0: no limit); one of the two limits is required. Arrivals are not scaled here.
std::vector<Request> generate_synthetic_trace(const SyntheticSpec& spec, std::int64_t max_requests,
                                              double duration_s, double time_scale);

}  // namespace maia
