#pragma once
// Fits the knobs no spec sheet gives (the GPU kernel library's achievable fractions, the serving
// engine's per-iteration time) to published measurements: coordinate descent on the mean
// |ln(predicted / measured)| over the rows of one chip in the calibration half, every evaluation
// a validation of those rows with the candidate values (`--set`). Deterministic: the same rows,
// start and budget give the same values on every platform.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/validation/validation_run.hpp"

namespace maia {

struct CalibrationKnob {
  std::string path;         // a knob of the chip's kind, e.g. kernel.gemm_efficiency
  double min = 0, max = 0;  // the search stays within (both included)
  double value = 0;         // start, then the fitted value
};

struct CalibrationStep {
  std::vector<double> values;  // one per knob
  double objective = 0;        // mean |ln(predicted / measured)|
  double median_abs_pct = 0;
  std::int64_t rows = 0;  // predicted
};

struct CalibrationResult {
  std::vector<CalibrationKnob> knobs;  // fitted
  std::vector<std::int64_t> lines;     // CSV lines of the rows fitted on
  CalibrationStep start, best;
  std::vector<CalibrationStep> history;  // every evaluation, in order
};

struct CalibrationSettings {
  ValidationRunSettings run;  // run.out_dir/eval-<n>/ holds each evaluation's runs
  int budget = 24;            // evaluations at most
  double first_step = 0.25;   // relative step of the first round (halved when nothing improves)
  double min_step = 0.02;
  std::function<void(const CalibrationStep&, int evaluation)> progress;
};

// The rows of `rows` that run on `chip_file` (after aliases), in order.
std::vector<MeasuredRow> rows_on_chip(const std::vector<MeasuredRow>& rows,
                                      const std::string& chip_file, const ValidationSettings& s);

// InputError when no row can be predicted at the start values.
CalibrationResult calibrate(const std::vector<MeasuredRow>& rows,
                            std::vector<CalibrationKnob> knobs, const CalibrationSettings& s);

// A config file that extends `chip_file` (relative to the output's folder) with the fitted
// values, each with provenance C naming the rows and the error before and after.
nlohmann::ordered_json calibrated_config(const CalibrationResult& r, const std::string& chip_file,
                                         const std::string& out_file, const std::string& csv_file,
                                         const std::string& half);

}  // namespace maia
