#pragma once
// Result files a regression check reads (docs/regression.md), each turned into named cases of
// flattened numeric metrics:
//   - a run directory (maia-sim run --out DIR): DIR/summary.json, DIR/ops.csv beside it for
//     attribution;
//   - a directory of case directories (maia-sim regress --out DIR, or a suite's baselines): one
//     case per subdirectory holding a summary.json;
//   - a summary.json, a `maia-sim microbench X --json` object, `microbench all --json`
//     ({"benchmarks": [...]}: one case per benchmark), `maia-sim ops --json`, or a Google
//     Benchmark JSON (make bench: one case per benchmark, every figure informational);
//   - any other JSON object: its numeric leaves.
// Strings, booleans and the workload's parameters are kept apart as context: compared only to
// say when two results did not run the same thing.
#include <string>
#include <utility>
#include <vector>

#include "maia/report/stats.hpp"

namespace maia::regress {

struct Metric {
  std::string name;  // dotted path: latency.ttft_ms.p99
  double value = 0;
};

struct CaseResult {
  std::string name;             // "" for a lone result
  std::string source;           // the file or directory read
  std::string format;           // summary, microbench, ops, bench, json
  std::vector<Metric> metrics;  // in file order
  std::vector<std::pair<std::string, std::string>> context;  // path, value as text
  std::string ops_csv;  // the per-operator breakdown beside it, "" when there is none
  // Every metric informational (a benchmark of the simulator's own speed).
  bool all_informational = false;

  const Metric* find(const std::string& metric) const;
};

struct ResultSet {
  std::string source;
  std::vector<CaseResult> cases;
  bool multi = false;  // named cases (a directory of cases, microbench all, a benchmark file)
};

// Throws InputError (the path and what is wrong) for a missing file, invalid JSON, or a file
// with no numeric value.
ResultSet load_results(const std::string& path);
// The same from parsed JSON; `source` names it in messages.
ResultSet results_from_json(const Json& j, const std::string& source);

}  // namespace maia::regress
