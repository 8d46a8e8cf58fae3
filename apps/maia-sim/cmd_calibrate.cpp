// maia-sim calibrate CSV --chip FILE --out FILE: fits a chip's kernel-library and serving-engine
// knobs to published measurements (docs/validation.md).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "maia/config/gpu_knobs.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"
#include "maia/validation/calibration.hpp"
#include "maia/validation/measured_results.hpp"
#include "output_paths.hpp"
#include "validation_plan.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;

// The knobs fitted unless --knobs says: what no GPU spec sheet gives.
const std::vector<std::string> kDefaultGpuKnobs = {
    "kernel.gemm_efficiency", "kernel.attention_efficiency", "kernel.memory_efficiency",
    "kernel.iteration_overhead_us"};

// The search interval of a knob: its table range, with fractions kept off zero.
CalibrationKnob knob_of(const AnyChipConfig& cfg, const std::string& path) {
  CalibrationKnob k;
  k.path = path;
  const KnobInfo* info = nullptr;
  nlohmann::json value;
  if (const auto* gpu = std::get_if<GpuConfig>(&cfg)) {
    if (const GpuKnob* g = find_gpu_knob(path)) {
      info = g;
      value = g->get(*gpu);
    }
  } else if (const Knob* m = find_knob(path)) {
    info = m;
    value = m->get(std::get<ChipConfig>(cfg));
  }
  if (!info)
    throw InputError(fmt::format("--knobs: {}: not a knob of the chip's kind ({})", path,
                                 chip_kind_name(chip_kind(cfg))));
  if (info->type != KnobType::kDouble && info->type != KnobType::kInt)
    throw InputError(fmt::format("--knobs: {}: only numeric knobs can be fitted", path));
  k.value = value.get<double>();
  k.min = info->unit == "fraction" ? std::max(info->min, 0.05) : info->min;
  k.max = info->max;
  return k;
}

}  // namespace

int cmd_calibrate(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim calibrate CSV --chip FILE --out FILE [options]\n"
      "  fits the chip's kernel and serving-engine knobs to the rows of the measured-results CSV\n"
      "  that run on it (the calibration half by default) and writes a config extending FILE\n"
      "  with the fitted values, each with its provenance (docs/validation.md)");
  std::string csv_file, chip_file, out_file, half = "fit", work_dir = "out/calibrate", knobs_text;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int budget = CalibrationSettings{}.budget;
  std::int64_t max_requests = 300;
  desc.add_options()("help,h", "this help")("csv", po::value(&csv_file), "the measured results")(
      "chip", po::value(&chip_file),
      "the chip config to fit (its rows are those whose hardware "
      "maps to it)")("out", po::value(&out_file), "the fitted config to write")(
      "half", po::value(&half)->default_value(half), "fit (the calibration half) or all")(
      "knobs", po::value(&knobs_text),
      "comma-separated knob paths to fit (default for a GPU: kernel.gemm_efficiency, "
      "kernel.attention_efficiency, kernel.memory_efficiency, kernel.iteration_overhead_us)")(
      "budget", po::value(&budget)->default_value(budget),
      "evaluations at most (each a "
      "validation of the rows)")("jobs,j", po::value(&jobs)->default_value(jobs),
                                 "runs at once (child processes)")(
      "max-requests", po::value(&max_requests)->default_value(max_requests),
      "serving rows: simulate at most this many requests per replica")(
      "work", po::value(&work_dir)->default_value(work_dir), "every evaluation's runs go here");
  po::positional_options_description pos;
  pos.add("csv", 1);
  CacheOptions cache;
  add_cache_options(desc, cache);
  const auto vm = parse("calibrate", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  export_cache_choice(cache);  // every child run shares the cache
  if (csv_file.empty()) throw InputError("maia-sim calibrate: a CSV argument is required");
  if (chip_file.empty()) throw InputError("maia-sim calibrate: --chip FILE is required");
  if (out_file.empty()) throw InputError("maia-sim calibrate: --out FILE is required");
  if (half != "fit" && half != "all")
    throw InputError(fmt::format("--half: must be fit or all, got \"{}\"", half));
  if (budget < 1 || budget > 1000)
    throw InputError(fmt::format("--budget: must be in [1, 1000], got {}", budget));
  if (jobs < 1 || jobs > 256)
    throw InputError(fmt::format("--jobs: must be in [1, 256], got {}", jobs));
  if (max_requests < 1)
    throw InputError(fmt::format("--max-requests: must be >= 1, got {}", max_requests));

  check_output_file(out_file, "--out");
  check_output_dir(work_dir, "--work");
  const AnyChipConfig cfg = load_any_chip(ChipOptions{chip_file, {}});
  std::vector<std::string> paths;
  if (knobs_text.empty()) {
    if (chip_kind(cfg) != ChipKind::kGpu)
      throw InputError("--knobs: required for a chip of kind maia (the defaults are GPU knobs)");
    paths = kDefaultGpuKnobs;
  } else {
    std::size_t start = 0;
    while (true) {
      const auto comma = knobs_text.find(',', start);
      paths.push_back(knobs_text.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::vector<CalibrationKnob> knobs;
  for (const auto& p : paths) knobs.push_back(knob_of(cfg, p));

  const MeasuredResults input = read_measured_results(csv_file);
  CalibrationSettings s;
  s.budget = budget;
  s.run.exe = self_exe();
  s.run.out_dir = work_dir;
  s.run.jobs = jobs;
  s.run.plan = validation_plan("", "", work_dir, max_requests);

  std::vector<MeasuredRow> rows;
  const std::vector<bool> fit = fit_half(input.rows);
  for (std::size_t i = 0; i < input.rows.size(); ++i)
    if (half == "all" || fit[i]) rows.push_back(input.rows[i]);
  rows = rows_on_chip(rows, fs::absolute(chip_file).string(), s.run.plan);
  if (rows.empty())
    throw InputError(
        fmt::format("{}: no row of the {} half runs on {} (docs/validation.md lists "
                    "the hardware aliases)",
                    csv_file, half, chip_file));
  std::cerr << fmt::format("calibrate: {} rows on {}, {} knob(s), at most {} evaluations\n",
                           rows.size(), chip_file, knobs.size(), budget);
  s.progress = [&](const CalibrationStep& step, int n) {
    std::string values;
    for (std::size_t i = 0; i < knobs.size(); ++i)
      values += fmt::format(" {}={}", knobs[i].path, step.values[i]);
    std::cerr << fmt::format("  [{}] mean |ln err| {:.4f}, median |err| {:.1f}% over {} rows:{}\n",
                             n, step.objective, step.median_abs_pct, step.rows, values);
  };
  const CalibrationResult r = calibrate(rows, knobs, s);
  const auto doc = calibrated_config(r, chip_file, out_file, csv_file, half);
  std::ofstream out(out_file);
  if (!out) throw InputError(fmt::format("--out: {}: cannot write", out_file));
  out << doc.dump(2) << "\n";
  fmt::print(
      "fitted on {} rows in {} evaluations: mean |ln(predicted/measured)| {:.4f} -> {:.4f}, "
      "median |error| {:.1f}% -> {:.1f}%\n",
      r.lines.size(), r.history.size(), r.start.objective, r.best.objective, r.start.median_abs_pct,
      r.best.median_abs_pct);
  for (const auto& k : r.knobs) fmt::print("  {} = {}\n", k.path, k.value);
  fmt::print("wrote {}\n", out_file);
  return kExitOk;
}

}  // namespace maia::cli
