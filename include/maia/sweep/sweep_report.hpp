#pragma once
// Analysis of a sweep's results: the best point for each key metric (directions from
// regress/metrics.hpp via sweep/key_metrics.hpp) and the Pareto front of two objectives.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/sweep/key_metrics.hpp"

namespace maia {

// An objective: a key metric with a direction (not a neutral one), or any numeric column given as
// "max:NAME" / "min:NAME" (e.g. min:hbm.stacks for a cost parameter).
struct Objective {
  std::string column;
  regress::Direction direction;
  std::string text;  // as given
};
// InputError naming the metric and suggesting a known one.
Objective parse_objective(const std::string& text);

struct BestPoint {
  std::string metric;
  regress::Direction direction;
  nlohmann::ordered_json row;
};

// For every key metric present in the ok rows, the row with its best value (the first in row
// order on ties).
std::vector<BestPoint> best_per_metric(const std::vector<nlohmann::ordered_json>& rows);

// The ok rows that no other ok row dominates (at least as good in both objectives, better in
// one), ordered best first by `a`.
std::vector<nlohmann::ordered_json> pareto_front(const std::vector<nlohmann::ordered_json>& rows,
                                                 const Objective& a, const Objective& b);

}  // namespace maia
