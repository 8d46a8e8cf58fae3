#pragma once
// Reproduces measured rows: each planned row runs as a child `maia-sim run` (one chip model per
// process, as SystemC requires), `jobs` at a time; rows whose plans are the same run (a run's
// throughput and its latency) share it. A run refused as bad input (e.g. the model does not fit
// the hardware) skips its rows with the run's message; any other failure fails them.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "maia/validation/measured_results.hpp"
#include "maia/validation/row_plan.hpp"

namespace maia {

enum class RowStatus { kPredicted, kSkipped, kFailed };

struct RowOutcome {
  const MeasuredRow* row = nullptr;
  RowStatus status = RowStatus::kSkipped;
  std::string reason;  // skipped or failed: why
  RowPlan plan;        // when planned
  std::string run_dir;
  double predicted = 0;
  double error_pct = 0;  // signed: (predicted - measured) / measured x 100
};

struct ValidationRunSettings {
  std::string exe;      // the maia-sim binary
  std::string out_dir;  // runs go to out_dir/runs/<n>/
  int jobs = 1;
  double run_timeout_s = 0;             // 0: none
  std::vector<std::string> extra_args;  // appended to every run (e.g. --set overrides)
  ValidationSettings plan;
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

// The lengths a ShareGPT benchmark samples: the rows of `source` (a length table) that vLLM's
// benchmark_serving keeps (prompt of 4 to 1,024 tokens, output of at least 4, both together at
// most 2,048), written to `file` as a length table. Returns the rows kept; InputError when none.
std::int64_t write_benchmark_sharegpt_lengths(const std::string& source, const std::string& file);

// One outcome per row of `rows`, in their order.
std::vector<RowOutcome> run_validation(const std::vector<MeasuredRow>& rows,
                                       const ValidationRunSettings& s);

// Splits rows in two halves for calibration (fit) and validation (held back): rows of one
// experiment (everything but the metric and value equal) stay together, and experiments of each
// hardware alternate between the halves in file order. True: the row is in the fit half.
std::vector<bool> fit_half(const std::vector<MeasuredRow>& rows);

}  // namespace maia
