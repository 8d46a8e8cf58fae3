#include "maia/validation/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/report/percentiles.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

// A row the start predicted but a candidate cannot (it refused the row) costs as much as a
// prediction ten times off.
const double kLostRowPenalty = std::log(10.0);

// Values are kept to four significant digits, so fitted configs read cleanly and every
// platform steps through the same numbers.
double tidy(double v) { return std::stod(fmt::format("{:.4g}", v)); }

class Evaluator {
 public:
  Evaluator(const std::vector<MeasuredRow>& rows, const std::vector<CalibrationKnob>& knobs,
            const CalibrationSettings& s)
      : rows_(rows), knobs_(knobs), s_(s) {}

  CalibrationStep operator()(const std::vector<double>& values) {
    ValidationRunSettings run = s_.run;
    run.out_dir = (fs::path(s_.run.out_dir) / fmt::format("eval-{}", evaluations_)).string();
    for (std::size_t i = 0; i < knobs_.size(); ++i)
      run.extra_args.insert(run.extra_args.end(),
                            {"--set", fmt::format("{}={}", knobs_[i].path, values[i])});
    run.progress = nullptr;
    const std::vector<RowOutcome> outcomes = run_validation(rows_, run);
    ++evaluations_;
    CalibrationStep step;
    step.values = values;
    std::map<std::int64_t, double> log_error;
    std::vector<double> abs_pct;
    for (const auto& o : outcomes) {
      if (o.status == RowStatus::kFailed)
        throw SimulationError(
            fmt::format("calibrate: line {}: the run failed: {}", o.row->line, o.reason));
      if (o.status != RowStatus::kPredicted) continue;
      log_error[o.row->line] = std::fabs(std::log(o.predicted / o.plan.measured));
      abs_pct.push_back(std::fabs(o.error_pct));
    }
    if (reference_.empty()) {
      for (const auto& [line, e] : log_error) reference_.push_back(line);
      if (reference_.empty())
        throw InputError("calibrate: no row of the chip could be predicted (validate lists why)");
    }
    double sum = 0;
    for (std::int64_t line : reference_) {
      const auto it = log_error.find(line);
      sum += it == log_error.end() ? kLostRowPenalty : it->second;
    }
    step.objective = sum / static_cast<double>(reference_.size());
    step.rows = static_cast<std::int64_t>(abs_pct.size());
    step.median_abs_pct = abs_pct.empty() ? 0 : percentile(abs_pct, 50);
    if (s_.progress) s_.progress(step, evaluations_);
    return step;
  }

  int evaluations() const { return evaluations_; }
  const std::vector<std::int64_t>& reference() const { return reference_; }

 private:
  const std::vector<MeasuredRow>& rows_;
  const std::vector<CalibrationKnob>& knobs_;
  const CalibrationSettings& s_;
  int evaluations_ = 0;
  std::vector<std::int64_t> reference_;  // lines predicted at the start
};

// Sets `value` at a dotted `path` of a JSON object, creating the groups on the way.
void set_dotted(nlohmann::ordered_json& root, const std::string& path, double value) {
  nlohmann::ordered_json* node = &root;
  std::size_t start = 0;
  for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    node = &(*node)[path.substr(start, dot - start)];
    start = dot + 1;
  }
  (*node)[path.substr(start)] = value;
}

}  // namespace

std::vector<MeasuredRow> rows_on_chip(const std::vector<MeasuredRow>& rows,
                                      const std::string& chip_file, const ValidationSettings& s) {
  std::vector<MeasuredRow> out;
  const fs::path want = fs::weakly_canonical(chip_file);
  for (const auto& r : rows) {
    const RowDecision d = plan_row(r, s);
    if (const auto* p = std::get_if<RowPlan>(&d))
      if (fs::weakly_canonical(p->chip_file) == want) out.push_back(r);
  }
  return out;
}

CalibrationResult calibrate(const std::vector<MeasuredRow>& rows,
                            std::vector<CalibrationKnob> knobs, const CalibrationSettings& s) {
  if (knobs.empty()) throw InputError("calibrate: no knob to fit");
  for (auto& k : knobs) {
    if (!(k.min < k.max) || k.value < k.min || k.value > k.max)
      throw InputError(fmt::format("calibrate: {}: start {} must lie in [{}, {}]", k.path, k.value,
                                   k.min, k.max));
    if (!(k.value > 0))  // the search steps by factors of the value
      throw InputError(
          fmt::format("calibrate: {}: the start value must be > 0, got {}", k.path, k.value));
  }
  Evaluator evaluate(rows, knobs, s);
  std::vector<double> values;
  for (const auto& k : knobs) values.push_back(k.value);
  CalibrationResult r;
  r.start = evaluate(values);
  r.history.push_back(r.start);
  r.best = r.start;
  double step = s.first_step;
  while (evaluate.evaluations() < s.budget && step >= s.min_step) {
    bool improved = false;
    for (std::size_t i = 0; i < knobs.size() && evaluate.evaluations() < s.budget; ++i) {
      for (const double direction : {1.0, -1.0}) {
        std::vector<double> candidate = r.best.values;
        candidate[i] =
            tidy(std::clamp(candidate[i] * (1 + direction * step), knobs[i].min, knobs[i].max));
        if (candidate[i] == r.best.values[i]) continue;
        const CalibrationStep c = evaluate(candidate);
        r.history.push_back(c);
        if (c.objective < r.best.objective) {
          r.best = c;
          improved = true;
          break;
        }
        if (evaluate.evaluations() >= s.budget) break;
      }
    }
    if (!improved) step /= 2;
  }
  for (std::size_t i = 0; i < knobs.size(); ++i) knobs[i].value = r.best.values[i];
  r.knobs = knobs;
  r.lines = evaluate.reference();
  return r;
}

nlohmann::ordered_json calibrated_config(const CalibrationResult& r, const std::string& chip_file,
                                         const std::string& out_file, const std::string& csv_file,
                                         const std::string& half) {
  nlohmann::ordered_json doc;
  const fs::path out_dir = fs::absolute(out_file).parent_path();
  doc["description"] = fmt::format(
      "{} with its kernel-library and serving-engine knobs fitted by maia-sim calibrate on {} "
      "rows of {} ({} half)",
      fs::path(chip_file).filename().string(), r.lines.size(),
      fs::path(csv_file).filename().string(), half);
  doc["extends"] = fs::relative(fs::absolute(chip_file), out_dir).string();
  const std::string note = fmt::format(
      "C: calibrated on {} rows of {} ({} half) by maia-sim calibrate: mean |ln(predicted / "
      "measured)| {:.3f} -> {:.3f}, median |error| {:.1f}% -> {:.1f}%",
      r.lines.size(), fs::path(csv_file).filename().string(), half, r.start.objective,
      r.best.objective, r.start.median_abs_pct, r.best.median_abs_pct);
  for (const auto& k : r.knobs) set_dotted(doc, k.path, k.value);
  for (const auto& k : r.knobs) doc["provenance"][k.path] = note;
  return doc;
}

}  // namespace maia
