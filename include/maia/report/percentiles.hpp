#pragma once
// Summary statistics of a sample (per-request latencies): mean and nearest-rank percentiles.
#include <vector>

namespace maia {

// Nearest-rank percentile: the smallest value such that at least p% of the sample is <= it,
// i.e. sorted[ceil(p/100 * n) - 1] (p = 0 gives the minimum, p = 100 the maximum). Always one
// of the sample's values, never interpolated. 0 for an empty sample; InputError for p outside
// [0, 100].
double percentile(std::vector<double> values, double p);

struct Distribution {
  double mean = 0, p50 = 0, p90 = 0, p99 = 0;
};

// Mean and nearest-rank p50/p90/p99 of `values`; all zero for an empty sample.
Distribution distribution(const std::vector<double>& values);

}  // namespace maia
