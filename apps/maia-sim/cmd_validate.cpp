// maia-sim validate CSV: reproduces published measurements (docs/validation.md) and reports the
// error per row, per hardware and per metric.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/core/log.hpp"
#include "maia/core/progress_line.hpp"
#include "maia/validation/measured_results.hpp"
#include "maia/validation/validation_report.hpp"
#include "maia/validation/validation_run.hpp"
#include "output_paths.hpp"
#include "validation_plan.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxJobs = 256;

void print_summary(const ValidationSummary& s) {
  fmt::print("rows {} ({} half): {} predicted, {} skipped, {} failed\n\n", s.rows, s.half,
             s.predicted, s.skipped, s.failed);
  fmt::print("{:<34} {:>5} {:>12} {:>12} {:>12} {:>14}\n", "group", "rows", "median |err|",
             "p90 |err|", "max |err|", "median signed");
  auto row = [](const std::string& label, const ErrorStats& e) {
    fmt::print("{:<34} {:>5} {:>11.1f}% {:>11.1f}% {:>11.1f}% {:>13.1f}%\n", label, e.rows,
               e.median_abs_pct, e.p90_abs_pct, e.max_abs_pct, e.median_pct);
  };
  row("all", s.all);
  for (const auto& h : s.by_hardware) row("hardware " + h.group, h);
  for (const auto& m : s.by_metric) row("metric " + m.group, m);
}

}  // namespace

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim validate CSV [options]\n"
      "  reproduces every row of a measured-results CSV it can (the columns of\n"
      "  ../shared/calibration/gpu_measured_calibration.csv) and reports the error; rows it\n"
      "  cannot express are skipped with the reason (docs/validation.md)");
  std::string csv_file, out_dir = "out/validation", half = "all", configs_dir, length_table;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::int64_t max_requests = ValidationSettings{}.max_requests;
  double timeout_s = 0;
  desc.add_options()("help,h", "this help")("csv", po::value(&csv_file), "the measured results")(
      "out", po::value(&out_dir)->default_value(out_dir),
      "write validation.csv, skipped.csv, summary.json and runs/ here")(
      "half", po::value(&half)->default_value(half),
      "all, fit (the calibration half) or held (the other half): which rows to reproduce")(
      "jobs,j", po::value(&jobs)->default_value(jobs), "runs at once (child processes)")(
      "max-requests", po::value(&max_requests)->default_value(max_requests),
      "serving rows: simulate at most this many requests per replica")(
      "configs", po::value(&configs_dir),
      "folder of the chip configs the hardware aliases name (default: configs/)")(
      "length-table", po::value(&length_table),
      "ShareGPT lengths (default: traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv); rows "
      "use those within vLLM benchmark_serving's limits")(
      "run-timeout", po::value(&timeout_s)->default_value(timeout_s),
      "seconds one run may take (0: no limit); a run past it fails its rows")(
      "markdown", "also print the summary as Markdown tables (docs/validation.md)");
  po::positional_options_description pos;
  pos.add("csv", 1);
  CacheOptions cache;
  add_cache_options(desc, cache);
  const auto vm = parse("validate", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  export_cache_choice(cache);  // every child run shares the cache
  if (csv_file.empty()) throw InputError("maia-sim validate: a CSV argument is required");
  if (half != "all" && half != "fit" && half != "held")
    throw InputError(fmt::format("--half: must be all, fit or held, got \"{}\"", half));
  if (jobs < 1 || jobs > kMaxJobs)
    throw InputError(fmt::format("--jobs: must be in [1, {}], got {}", kMaxJobs, jobs));
  if (max_requests < 1)
    throw InputError(fmt::format("--max-requests: must be >= 1, got {}", max_requests));
  if (!(timeout_s >= 0))
    throw InputError(fmt::format("--run-timeout: must be >= 0, got {}", timeout_s));

  check_output_dir(out_dir, "--out");
  const ValidationSettings plan = validation_plan(configs_dir, length_table, out_dir, max_requests);

  const MeasuredResults input = read_measured_results(csv_file);
  std::vector<bool> in_half;
  if (half != "all") {
    in_half = fit_half(input.rows);
    if (half == "held") in_half.flip();
  }
  std::vector<MeasuredRow> rows;
  for (std::size_t i = 0; i < input.rows.size(); ++i)
    if (in_half.empty() || in_half[i]) rows.push_back(input.rows[i]);

  ValidationRunSettings s;
  s.exe = self_exe();
  s.out_dir = out_dir;
  s.jobs = jobs;
  s.run_timeout_s = timeout_s;
  s.plan = plan;
  ProgressLine progress(10.0, "validate: ");
  s.progress = [&progress](std::int64_t done, std::int64_t total) {
    progress.update(
        [&](double wall_s) {
          return fmt::format("{}/{} runs done, {:.0f} s", done, total, wall_s);
        },
        done == total);
  };
  const std::vector<RowOutcome> outcomes = run_validation(rows, s);
  progress.finish();
  const ValidationSummary summary = summarise_validation(outcomes, {}, half);
  MeasuredResults kept = input;
  kept.rows = rows;
  write_validation_outputs(kept, outcomes, {}, summary, out_dir);
  print_summary(summary);
  if (vm.count("markdown")) fmt::print("\n{}", validation_markdown(summary));
  fmt::print("\nwrote {0}/validation.csv, {0}/skipped.csv and {0}/summary.json\n", out_dir);
  return summary.failed > 0 ? kExitSimError : kExitOk;
}

}  // namespace maia::cli
