// maia-sim sweep-report DIR: the best point for each key metric, the Pareto front of two
// objectives (--pareto output_tokens_per_s,tpot_ms_p99) and DIR/report.csv for pandas.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/sweep/sweep_report.hpp"
#include "maia/sweep/sweep_results.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

// The row's parameters as "name=value ..." (every column that is neither fixed nor a metric).
std::string params_text(const OJson& row) {
  static const std::set<std::string> fixed = {"index", "id", "status", "message", "pareto"};
  std::string out;
  for (auto it = row.begin(); it != row.end(); ++it) {
    if (fixed.count(it.key()) || find_metric(it.key())) continue;
    if (!out.empty()) out += ' ';
    out += it.key() + "=" +
           (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  }
  return out;
}

std::string number(const OJson& v) { return fmt::format("{:.6g}", v.get<double>()); }

}  // namespace

int cmd_sweep_report(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim sweep-report DIR [options]");
  std::string dir, pareto, csv;
  desc.add_options()("help,h", "this help")("dir", po::value(&dir), "the sweep output folder")(
      "pareto", po::value(&pareto),
      "two objectives A,B: key metrics (output_tokens_per_s,tpot_ms_p99) or max:COLUMN / "
      "min:COLUMN")("csv", po::value(&csv),
                    "write every row (with a pareto column) here (default: DIR/report.csv)");
  po::positional_options_description pos;
  pos.add("dir", 1);
  const auto vm = parse("sweep-report", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (dir.empty()) throw InputError("maia-sim sweep-report: a sweep folder is required");
  std::optional<std::pair<Objective, Objective>> objectives;
  if (!pareto.empty()) {
    const auto comma = pareto.find(',');
    if (comma == std::string::npos || pareto.find(',', comma + 1) != std::string::npos)
      throw InputError(fmt::format("--pareto: must be two objectives A,B, got \"{}\"", pareto));
    objectives.emplace(parse_objective(pareto.substr(0, comma)),
                       parse_objective(pareto.substr(comma + 1)));
  }
  std::vector<OJson> rows = read_results_jsonl((fs::path(dir) / "results.jsonl").string());
  std::int64_t ok = 0, failed = 0, skipped = 0;
  for (const auto& r : rows) {
    const std::string s = r["status"];
    (s == kStatusOk ? ok : s == kStatusFailed ? failed : skipped) += 1;
  }
  fmt::print("sweep {}: {} points: {} ok, {} failed, {} skipped\n\n", dir, rows.size(), ok, failed,
             skipped);

  fmt::print("best point per metric\n{:<28} {:>7} {:>14}  {:<12}  {}\n", "metric", "better",
             "value", "id", "parameters");
  for (const auto& b : best_per_metric(rows))
    fmt::print("{:<28} {:>7} {:>14}  {:<12}  {}\n", b.metric,
               b.direction == regress::Direction::kHigherIsBetter ? "higher" : "lower",
               number(b.row[b.metric]), b.row["id"].get<std::string>(), params_text(b.row));

  if (objectives) {
    const auto& [a, b] = *objectives;
    for (const auto* o : {&a, &b}) {
      bool present = false;
      for (const auto& r : rows) present = present || r.contains(o->column);
      if (!present && !rows.empty())
        throw InputError(
            fmt::format("--pareto: no row of {}/results.jsonl has '{}'", dir, o->column));
    }
    const auto front = pareto_front(rows, a, b);
    fmt::print("\nPareto front: {} ({}), {} ({}): {} of {} ok points\n", a.column,
               a.direction == regress::Direction::kHigherIsBetter ? "higher" : "lower", b.column,
               b.direction == regress::Direction::kHigherIsBetter ? "higher" : "lower",
               front.size(), ok);
    const std::size_t wa = std::max<std::size_t>(14, a.column.size()),
                      wb = std::max<std::size_t>(14, b.column.size());
    fmt::print("{:>{}} {:>{}}  {:<12}  {}\n", a.column, wa, b.column, wb, "id", "parameters");
    std::set<std::string> on_front;
    for (const auto& r : front) {
      on_front.insert(r["id"].get<std::string>());
      fmt::print("{:>{}} {:>{}}  {:<12}  {}\n", number(r[a.column]), wa, number(r[b.column]), wb,
                 r["id"].get<std::string>(), params_text(r));
    }
    for (auto& r : rows) r["pareto"] = on_front.count(r["id"].get<std::string>()) > 0;
  }
  if (csv.empty()) csv = (fs::path(dir) / "report.csv").string();
  write_file_atomic(csv, results_csv(rows));
  fmt::print("\nwrote {} (one row per point; pandas.read_csv)\n", csv);
  return kExitOk;
}

}  // namespace maia::cli
