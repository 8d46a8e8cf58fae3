#pragma once
// What validation found: |error| statistics per hardware (the chip config a row ran on) and per
// metric, over the predicted rows of a chosen half, and the files of `maia-sim validate --out`:
// validation.csv (the input columns plus predicted and error_pct, per predicted row),
// skipped.csv (every row not predicted, with the reason) and summary.json.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/validation/measured_results.hpp"
#include "maia/validation/validation_run.hpp"

namespace maia {

struct ErrorStats {
  std::string group;  // hardware or metric; "all"
  std::int64_t rows = 0;
  double median_abs_pct = 0, p90_abs_pct = 0, max_abs_pct = 0;  // nearest-rank percentiles
  double median_pct = 0;                                        // signed: a bias shows here
};

struct ValidationSummary {
  std::string half;  // "all", "fit" or "held"
  std::int64_t rows = 0, predicted = 0, skipped = 0, failed = 0;
  ErrorStats all;
  std::vector<ErrorStats> by_hardware, by_metric;  // sorted by name
};

// Statistics over the outcomes `in_half` selects (all when empty).
ValidationSummary summarise_validation(const std::vector<RowOutcome>& outcomes,
                                       const std::vector<bool>& in_half, const std::string& half);

nlohmann::ordered_json validation_summary_json(const ValidationSummary& s);

// Writes dir/validation.csv, dir/skipped.csv and dir/summary.json; InputError naming the path
// when it cannot.
void write_validation_outputs(const MeasuredResults& input, const std::vector<RowOutcome>& outcomes,
                              const std::vector<bool>& in_half, const ValidationSummary& s,
                              const std::string& dir);

// The summary as Markdown tables (docs/validation.md embeds them).
std::string validation_markdown(const ValidationSummary& s);

}  // namespace maia
