#pragma once
// Comparing a candidate result with a baseline (docs/regression.md): every metric's baseline,
// candidate, delta and verdict under a tolerance, the per-operator attribution of a case that
// moved, and the three renderings (terminal table, JSON, Markdown for a pull-request comment).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "maia/regress/attribution.hpp"
#include "maia/regress/metrics.hpp"
#include "maia/regress/results.hpp"
#include "maia/report/stats.hpp"

namespace maia::regress {

// "2%": relative to the baseline; "0.5": absolute, in the metric's unit ("0" = exact);
// "info": informational (reported, never fails).
struct Tolerance {
  enum class Kind { kRelative, kAbsolute, kInformational };
  Kind kind = Kind::kRelative;
  double value = 0.02;
  std::string text() const;
};
// InputError naming `what` (the option or suite key) on a malformed value.
Tolerance parse_tolerance(const std::string& text, const std::string& what);

// Per-metric tolerances: an exact metric name, or a glob ("latency.*.p99"; '*' crosses dots).
struct ToleranceLayer {
  std::optional<Tolerance> fallback;
  std::vector<std::pair<std::string, Tolerance>> per_metric;
};

// Layers, highest priority first (a suite case's own, then the suite's, then the command
// line's). A metric takes the first layer's per-metric tolerance that matches it (exact name,
// else the longest matching pattern), else the first layer's fallback, else `global`.
struct ToleranceSpec {
  std::vector<ToleranceLayer> layers;
  Tolerance global;
  Tolerance for_metric(const std::string& metric) const;
};

enum class Verdict { kOk, kRegressed, kImproved, kChanged, kMissing, kNew };
const char* verdict_name(Verdict v);

struct MetricDiff {
  std::string name;
  std::optional<double> base, cand;
  Direction direction = Direction::kNeutral;
  bool informational = false;
  bool known = false;  // a rule of metrics.hpp classified it
  Tolerance tolerance;
  Verdict verdict = Verdict::kOk;
  bool fails = false;  // counts against the exit status
  double delta() const { return base && cand ? *cand - *base : 0.0; }
  std::optional<double> relative() const;  // delta / |base|, none when base is 0 or absent
  bool beyond() const { return verdict != Verdict::kOk; }
};

struct CaseComparison {
  std::string name;
  std::string baseline, candidate;  // sources
  std::string status = "pass";      // pass, fail, error (not compared), new (no baseline)
  std::string error;                // why it was not compared
  std::vector<MetricDiff> metrics;
  std::vector<std::string> notes;  // context that differs (model, chip, workload)
  std::optional<Attribution> attribution;
  double wall_s = -1;  // the case's run time (regress), -1 when unknown
  int failures() const;
  int beyond_tolerance() const;     // non-informational metrics outside their tolerance
  const MetricDiff* worst() const;  // the failing (else moved) metric with the largest |relative|
};

struct CompareOptions {
  ToleranceSpec tolerances;
  bool allow_improvements = false;
  bool attribution = true;
  int attribution_top = 8;  // operators listed
};

struct Comparison {
  std::string baseline, candidate;
  std::string title = "maia-sim compare";
  Tolerance tolerance;  // the default one, for the header
  bool allow_improvements = false;
  std::vector<CaseComparison> cases;
  bool failed() const;
  bool errored() const;
  // 0 within tolerance, 1 a metric moved beyond it, 2 a case could not be compared.
  int exit_code() const;
  std::string verdict() const;  // pass, fail, error
};

CaseComparison compare_case(const CaseResult& base, const CaseResult& cand,
                            const CompareOptions& opt);
// Cases matched by name (two lone results are compared whatever their names); a case only in
// the baseline fails as missing, one only in the candidate is reported as new.
Comparison compare_sets(const ResultSet& base, const ResultSet& cand, const CompareOptions& opt);

struct RenderOptions {
  bool all_metrics = true;  // false: only the metrics beyond tolerance (and missing/new)
  bool case_table = false;  // a one-line-per-case verdict table first (suites)
};

std::string render_text(const Comparison& c, const RenderOptions& opt);
// One case's metric rows (as opt says) and attribution, without a heading.
std::string render_case_text(const CaseComparison& c, const RenderOptions& opt);
std::string render_markdown(const Comparison& c, const RenderOptions& opt);
Json render_json(const Comparison& c);

// Number formatting shared by the renderers: integers plainly, others to 6 significant digits.
std::string format_value(double v);

}  // namespace maia::regress
