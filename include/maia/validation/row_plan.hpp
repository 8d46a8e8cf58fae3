#pragma once
// What `maia-sim run` reproduces one measured row, or why none can: the chip and model from the
// alias tables, the datatypes from the precision, a static batch or a serving run (burst for
// offline max-load rows, Poisson arrivals for request-rate rows) from batch_or_concurrency and
// the lengths, and which figure of summary.json answers the row's metric in its unit. Every row
// either gets a plan or a reason; nothing is guessed.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "maia/validation/measured_results.hpp"

namespace maia {

struct ValidationSettings {
  std::string configs_dir;           // chip configs (aliases name files below it)
  std::string models_dir;            // configs/models
  std::string length_table;          // lengths of "ShareGPT var" rows
  std::int64_t max_requests = 2000;  // per replica; larger published runs are cut to this
};

// How a row's figure is read from summary.json.
enum class MetricRead {
  kValue,            // the figure as it is
  kTimesReplicas,    // a total over `replicas` identical data-parallel copies
  kPerSecondFromMs,  // tokens/s of one user: 1000 / the figure (ms per token)
};

struct RowPlan {
  std::string chip_file;                 // path, configs_dir joined
  std::string model;                     // short model name
  std::string weights, activations, kv;  // datatype names for maia-sim run
  std::int64_t tp = 1;
  std::int64_t replicas = 1;  // devices / tp
  bool serving = false;       // false: a static batch
  // Static batch.
  std::int64_t batch = 0, prompt = 0, gen = 0;
  // Serving (per replica).
  bool burst = false;  // all requests at once; otherwise Poisson at `rate`
  double rate = 0;
  std::int64_t requests = 0;
  std::int64_t input_tokens = 0, output_tokens = 0;  // 0: from the length table
  std::int64_t max_num_seqs = 0, max_batched_tokens = 0;
  // The answer.
  std::string figure;  // JSON pointer into summary.json, e.g. /latency/ttft_ms/mean
  MetricRead read = MetricRead::kValue;
  double measured = 0;
  std::vector<std::string> notes;  // assumptions taken for this row

  // The arguments of `maia-sim run` (without --out).
  std::vector<std::string> run_args(const ValidationSettings& s) const;
};

struct RowSkip {
  std::string reason;
};

using RowDecision = std::variant<RowPlan, RowSkip>;

RowDecision plan_row(const MeasuredRow& row, const ValidationSettings& s);

// The predicted value in the row's unit from the run's summary.json (InputError when the figure
// is missing or not positive).
double read_prediction(const RowPlan& plan, const std::string& summary_json_file);

}  // namespace maia
