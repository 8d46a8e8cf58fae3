#pragma once
// What a metric means to a regression check (docs/regression.md): for every numeric value of a
// result file, flattened to a dotted path (latency.ttft_ms.p99, achieved_tflops, ...), whether a
// larger value is better, worse or neither, and whether it is informational (it measures the
// simulator itself, or it is bookkeeping: reported, never fails a check). One table, first
// matching rule wins; a path no rule knows is reported as informational.
#include <string>
#include <vector>

namespace maia::regress {

enum class Direction {
  kLowerIsBetter,   // latencies, times, stalls, bytes a kernel needed
  kHigherIsBetter,  // throughputs, achieved rates, fractions of peak, hit rates
  kNeutral,         // neither: a move means the behaviour changed (counts, capacities)
};

const char* direction_name(Direction d);  // "lower", "higher", "neutral"

struct MetricRule {
  const char* pattern;  // fnmatch(3) pattern over the dotted path; '*' also crosses dots
  Direction direction;
  bool informational;
  const char* meaning;
};

// The table, in match order (tests and docs/regression.md list it).
const std::vector<MetricRule>& metric_rules();

struct MetricClass {
  Direction direction = Direction::kNeutral;
  bool informational = true;
  bool known = false;  // matched a rule
  std::string rule;    // the pattern that matched ("" when none)
};

MetricClass classify_metric(const std::string& path);

// Glob match used for metric names and per-metric tolerances: '*' any run of characters
// (dots included), '?' one character.
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace maia::regress
