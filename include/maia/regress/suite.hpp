#pragma once
// A regression suite (docs/regression.md): named cases (chip config and overrides, model,
// workload: a static batch, a trace slice, a synthetic trace, a microbenchmark or an operator
// trace), per-case tolerances, and the directory of their baselines. Each case runs as its own
// maia-sim child process (SystemC elaborates once per process), so cases run in parallel and a
// case's result does not depend on which others ran beside it.
#include <functional>
#include <string>
#include <vector>

#include "maia/regress/compare.hpp"

namespace maia::regress {

struct SuiteCase {
  std::string name;  // also the case's directory under the baselines and the results
  std::string kind;  // static, trace, synthetic, microbench, ops
  std::string description;
  // maia-sim arguments, sub-command first, without the output options regress adds.
  std::vector<std::string> args;
  ToleranceLayer tolerances;
};

struct Suite {
  std::string file;       // the suite file as given
  std::string dir;        // its directory: children run there, so relative paths are its
  std::string name;       // "name", else the file's stem
  std::string baselines;  // the baseline directory (resolved against dir)
  ToleranceLayer tolerances;
  std::vector<SuiteCase> cases;
};

// Parses and checks a suite file: unknown keys, bad names, a workload that does not fit its
// kind, malformed tolerances are InputErrors naming the file and JSON path.
Suite load_suite(const std::string& file);

// The full child command line of a case writing into `dir` (absolute): the arguments plus
// --out DIR for run and ops, --json (and --sim-stats) for microbench and ops.
std::vector<std::string> case_command(const SuiteCase& c, const std::string& dir);

struct CaseRun {
  std::string name;
  std::string dir;  // results: summary.json, ops.csv, requests.csv; log.txt (the child's output)
  std::string log;
  int exit_code = 0;  // the child's; 128 + signal when killed
  double wall_s = 0;
  std::string error;  // empty when the case ran and left a summary.json
};

// Runs the cases as children of `exe` (this binary), `jobs` at a time, each in `out_dir`/NAME
// (emptied first), with the suite's directory as working directory. `done` is called as each
// finishes (in completion order); the returned runs are in the cases' order.
std::vector<CaseRun> run_cases(const Suite& suite, const std::vector<const SuiteCase*>& cases,
                               const std::string& exe, const std::string& out_dir, int jobs,
                               const std::function<void(const CaseRun&)>& done = {});

// The files of a case's result that make its baseline.
const std::vector<std::string>& baseline_files();

// Whether two result directories hold the same results: summary.json equal apart from its
// `simulation` block, the other baseline files byte-identical.
bool same_results(const std::string& dir_a, const std::string& dir_b);

}  // namespace maia::regress
