// maia-sim versus: one workload on several chips, side by side (docs/versus.md).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "maia/backend/make_backend.hpp"
#include "maia/core/decimal.hpp"
#include "maia/core/error.hpp"
#include "maia/versus/versus_report.hpp"
#include "maia/versus/versus_run.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "CHIP=VALUE" pairs of a repeatable option, the chip checked against `chips`.
std::map<std::string, double> chip_values(const std::vector<std::string>& items,
                                          const std::vector<std::string>& chips,
                                          const char* option) {
  std::map<std::string, double> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    const std::string chip = item.substr(0, eq);
    const auto v = eq == std::string::npos ? std::nullopt : parse_decimal(item.substr(eq + 1));
    if (!v || !(*v > 0))
      throw InputError(
          fmt::format("--{}: must be CHIP=NUMBER with a number > 0, got \"{}\"", option, item));
    if (std::find(chips.begin(), chips.end(), chip) == chips.end())
      throw InputError(fmt::format("--{}: {} is not one of --chips", option, chip));
    out[chip] = *v;
  }
  return out;
}

double figure(const std::vector<ChipFigure>& figures, const std::string& name) {
  for (const auto& f : figures)
    if (f.name == name) return f.value;
  return 0;
}

}  // namespace

int cmd_versus(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim versus --chips A,B,... --model M (--trace T | --rate R | --batch B --prompt P "
      "--gen G) [options]\n"
      "  runs the same workload on every chip (each at the smallest tensor-parallel degree that\n"
      "  fits, unless --tp says) and prints them side by side (docs/versus.md)");
  std::string chips_text, out_dir = "out/versus";
  std::vector<std::string> tps, prices;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // maia-sim run options passed on as given.
  const std::vector<std::string> forwarded = {
      "model",        "batch",         "prompt",
      "gen",          "weights",       "activations",
      "kv",           "trace",         "max-requests",
      "duration",     "rate",          "arrival",
      "input-tokens", "output-tokens", "length-table",
      "seed",         "max-num-seqs",  "max-batched-tokens"};
  desc.add_options()("help,h", "this help")(
      "chips", po::value(&chips_text),
      "chips to compare: names in configs/ or configs/gpus/ (maia200, h100-sxm, ...) or files")(
      "tp", po::value(&tps)->composing(),
      "CHIP=N: run CHIP at tensor-parallel degree N (repeatable; default: the smallest that "
      "fits)")("price-per-hour", po::value(&prices)->composing(),
               "CHIP=USD: the price of one chip-hour, for tokens per dollar (repeatable)")(
      "out", po::value(&out_dir)->default_value(out_dir),
      "each chip's run in DIR/<config name>/, the table in DIR/versus.csv and DIR/versus.json")(
      "jobs,j", po::value(&jobs)->default_value(jobs), "chips run at once (child processes)")(
      "json", "print the comparison as JSON instead of a table");
  po::options_description run_opts("maia-sim run options passed to every chip");
  for (const auto& name : forwarded)
    run_opts.add_options()(name.c_str(), po::value<std::string>(), "see maia-sim run --help");
  desc.add(run_opts);
  CacheOptions cache;
  add_cache_options(desc, cache);
  const auto vm = parse("versus", args, desc);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  export_cache_choice(cache);  // every child run shares the cache
  if (chips_text.empty()) throw InputError("maia-sim versus: --chips is required");
  if (!vm.count("model")) throw InputError("maia-sim versus: --model is required");
  if (jobs < 1 || jobs > 64)
    throw InputError(fmt::format("--jobs: must be in [1, 64], got {}", jobs));

  std::vector<std::string> run_args = {"run"};
  for (const auto& name : forwarded)
    if (vm.count(name)) run_args.insert(run_args.end(), {"--" + name, vm[name].as<std::string>()});
  check_run_args(std::vector<std::string>(run_args.begin() + 1, run_args.end()));

  const std::vector<std::string> names = split_commas(chips_text);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) throw InputError("--chips: an empty chip name");
    if (std::find(names.begin(), names.begin() + static_cast<long>(i), names[i]) !=
        names.begin() + static_cast<long>(i))
      throw InputError(fmt::format("--chips: {} is listed twice", names[i]));
  }
  const auto tp_of = chip_values(tps, names, "tp");
  const auto price_of = chip_values(prices, names, "price-per-hour");
  const std::string configs = fs::path(default_chip_file()).parent_path().string();
  std::vector<VersusChip> chips;
  for (const auto& name : names) {
    VersusChip c;
    c.name = name;
    c.file = fs::absolute(resolve_chip_file(name, configs)).string();
    for (const auto& other : chips)
      if (fs::path(other.file).stem() == fs::path(c.file).stem())
        throw InputError(
            fmt::format("--chips: {} and {} are both named {} (their run folders "
                        "would collide)",
                        other.name, name, fs::path(c.file).stem().string()));
    const auto backend = make_backend(load_any_chip(ChipOptions{c.file, {}}));
    c.tdp_w = figure(backend->figures(), "tdp_w");
    c.max_tp = backend->tensor_parallel_limit();
    if (const auto it = tp_of.find(name); it != tp_of.end()) {
      c.tp = static_cast<std::int64_t>(it->second);
      if (static_cast<double>(c.tp) != it->second)
        throw InputError(fmt::format("--tp: {}: must be a whole number, got {}", name, it->second));
    }
    if (const auto it = price_of.find(name); it != price_of.end()) c.price_per_hour = it->second;
    chips.push_back(c);
  }

  VersusSettings s;
  s.exe = self_exe();
  s.out_dir = out_dir;
  s.run_args = run_args;
  s.jobs = jobs;
  const auto results = run_versus(chips, s, [](const VersusResult& r) {
    std::cerr << fmt::format("versus: {} done{}\n", r.chip.name,
                             r.error.empty() ? fmt::format(" (tp {})", r.tp) : ": failed");
  });
  fs::create_directories(out_dir);
  std::ofstream(fs::path(out_dir) / "versus.csv") << versus_csv(results);
  std::ofstream(fs::path(out_dir) / "versus.json") << versus_json(results).dump(2) << "\n";
  if (vm.count("json"))
    std::cout << versus_json(results).dump(2) << "\n";
  else
    std::cout << versus_table(results)
              << fmt::format("\nwrote {0}/versus.csv and {0}/versus.json\n", out_dir);
  // A chip that could not run the workload is shown with its error and fails the command.
  const bool any_failed = std::any_of(results.begin(), results.end(),
                                      [](const VersusResult& r) { return !r.error.empty(); });
  return any_failed ? kExitSimError : kExitOk;
}

}  // namespace maia::cli
