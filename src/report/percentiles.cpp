#include "maia/report/percentiles.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

double percentile(std::vector<double> values, double p) {
  if (!(p >= 0 && p <= 100))
    throw InputError(fmt::format("percentile: p must be in [0, 100], got {}", p));
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  // Rank 1..n; the small tolerance keeps p*n/100 that is an integer in theory from rounding up.
  const double rank = std::ceil(p / 100.0 * n - 1e-9);
  const auto idx = static_cast<std::size_t>(std::clamp(rank, 1.0, n)) - 1;
  return values[idx];
}

Distribution distribution(const std::vector<double>& values) {
  Distribution d;
  if (values.empty()) return d;
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  d.p50 = percentile(values, 50);
  d.p90 = percentile(values, 90);
  d.p99 = percentile(values, 99);
  return d;
}

}  // namespace maia
