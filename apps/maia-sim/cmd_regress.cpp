// maia-sim regress SUITE.json: runs a suite's cases (each a maia-sim child process, --jobs at a
// time), compares each with its baseline and prints one verdict table, the metrics that moved
// and the operators and engines behind them; exits as compare does. --update rewrites the
// baselines deliberately and prints what changed (docs/regression.md, docs/ci.md).
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "compare_cli.hpp"
#include "maia/core/error.hpp"
#include "maia/regress/suite.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;

std::vector<const regress::SuiteCase*> select_cases(const regress::Suite& suite,
                                                    const std::vector<std::string>& patterns) {
  std::vector<const regress::SuiteCase*> out;
  for (const auto& c : suite.cases) {
    bool take = patterns.empty();
    for (const auto& p : patterns) take = take || regress::glob_match(p, c.name);
    if (take) out.push_back(&c);
  }
  if (out.empty()) {
    std::string names;
    for (const auto& c : suite.cases) names += (names.empty() ? "" : ", ") + c.name;
    throw InputError(fmt::format("--case: no case of {} matches (cases: {})", suite.file, names));
  }
  return out;
}

// The last lines of a child's log, for a case that failed.
std::string log_tail(const std::string& file, std::size_t lines) {
  std::ifstream in(file);
  std::vector<std::string> all;
  std::string line;
  while (std::getline(in, line)) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "    | " + all[i] + "\n";
  return out;
}

void copy_baseline(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::create_directories(to, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create directory: {}", to, ec.message()));
  for (const auto& f : regress::baseline_files()) {
    const fs::path src = fs::path(from) / f;
    if (!fs::exists(src)) continue;
    fs::copy_file(src, fs::path(to) / f, fs::copy_options::overwrite_existing, ec);
    if (ec)
      throw InputError(
          fmt::format("{}: cannot write: {}", (fs::path(to) / f).string(), ec.message()));
  }
}

}  // namespace

int cmd_regress(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim regress SUITE.json [options]\n"
      "  runs the suite's cases, compares each with its baseline; exit 0 within tolerance, 1 a\n"
      "  metric moved beyond it, 2 bad input or a case that could not run (docs/regression.md)");
  CompareCliOptions o;
  std::string suite_file, out_dir;
  std::vector<std::string> case_patterns;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  desc.add_options()("help,h", "this help")("suite", po::value(&suite_file), "the suite file")(
      "jobs,j", po::value(&jobs)->default_value(jobs), "cases run at once (child processes)")(
      "out", po::value(&out_dir),
      "keep every case's results in DIR/CASE (default: a temporary directory, removed when the "
      "suite passes)")("case", po::value(&case_patterns)->composing(),
                       "run only the cases matching this name or glob (repeatable)")(
      "update",
      "rewrite the baselines of the cases run with their new results and print what changed")(
      "all", "list every metric of every case (default: only those beyond tolerance)");
  add_compare_options(desc, o);
  po::positional_options_description pos;
  pos.add("suite", 1);
  CacheOptions cache;
  add_cache_options(desc, cache);
  const auto vm = parse("regress", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  export_cache_choice(cache);  // every child run shares the cache
  if (suite_file.empty()) throw InputError("maia-sim regress: a SUITE.json argument is required");
  if (jobs < 1) throw InputError(fmt::format("--jobs: must be >= 1, got {}", jobs));
  if (vm.count("json") && vm.count("markdown"))
    throw InputError("maia-sim regress: --json and --markdown exclude each other");
  const regress::CompareOptions cli_opt = compare_options(vm, o);
  const regress::Suite suite = regress::load_suite(suite_file);
  const auto cases = select_cases(suite, case_patterns);
  const bool update = vm.count("update") > 0;

  bool temporary = false;
  if (out_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "maia-regress-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw InputError("cannot create a temporary directory");
    out_dir = tmpl;
    temporary = true;
  }
  std::cerr << fmt::format("regress {}: {} case{}, {} at a time, results in {}\n", suite.file,
                           cases.size(), cases.size() == 1 ? "" : "s",
                           std::min<std::size_t>(jobs, cases.size()), out_dir);
  std::size_t finished = 0;
  const auto runs =
      regress::run_cases(suite, cases, self_exe(), out_dir, jobs, [&](const regress::CaseRun& r) {
        ++finished;
        std::cerr << fmt::format("  [{}/{}] {:<28} {:>6.1f} s  {}\n", finished, cases.size(),
                                 r.name, r.wall_s, r.error.empty() ? "done" : "FAILED");
      });

  regress::Comparison cmp;
  cmp.title = fmt::format("maia-sim regress {}", suite.file);
  cmp.baseline = suite.baselines;
  cmp.candidate = out_dir;
  cmp.allow_improvements = cli_opt.allow_improvements;
  cmp.tolerance = suite.tolerances.fallback.value_or(cli_opt.tolerances.global);
  std::string update_table, update_details;
  int updated = 0, unchanged = 0, created = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const regress::SuiteCase& sc = *cases[i];
    const regress::CaseRun& run = runs[i];
    const std::string base_dir = (fs::path(suite.baselines) / sc.name).string();
    regress::CompareOptions opt = cli_opt;
    if (update) {  // every change shows (informational ones aside), none fails
      opt.tolerances.layers.clear();
      opt.tolerances.global = regress::parse_tolerance("0", "update");
    } else {
      opt.tolerances.layers.insert(opt.tolerances.layers.begin(),
                                   {sc.tolerances, suite.tolerances});
    }
    regress::CaseComparison cc;
    cc.name = sc.name;
    cc.baseline = base_dir;
    cc.candidate = run.dir;
    cc.wall_s = run.wall_s;
    const bool has_base = fs::exists(fs::path(base_dir) / "summary.json");
    std::string action;
    if (!run.error.empty()) {
      cc.status = "error";
      cc.error = run.error;
      action = "ERROR: " + run.error;
      std::cerr << fmt::format("\ncase {}: {}\n{}", sc.name, run.error, log_tail(run.log, 8));
    } else if (!has_base && update) {
      copy_baseline(run.dir, base_dir);
      ++created;
      action = "created";
    } else if (!has_base) {
      cc.status = "error";
      cc.error = fmt::format("no baseline ({}): create it with maia-sim regress {} --update",
                             base_dir, suite.file);
    } else {
      const regress::ResultSet base = regress::load_results(base_dir);
      const regress::ResultSet cand = regress::load_results(run.dir);
      cc = regress::compare_case(base.cases.at(0), cand.cases.at(0), opt);
      cc.name = sc.name;
      cc.wall_s = run.wall_s;
      if (update && regress::same_results(base_dir, run.dir)) {
        ++unchanged;
        action = "unchanged";
      } else if (update) {
        copy_baseline(run.dir, base_dir);
        ++updated;
        action = fmt::format("updated: {} metric{} changed", cc.beyond_tolerance(),
                             cc.beyond_tolerance() == 1 ? "" : "s");
        for (auto& m : cc.metrics) m.fails = false;  // what changed, not failures
        regress::RenderOptions r;
        r.all_metrics = false;
        update_details +=
            fmt::format("\n== {}: what changed\n", sc.name) + regress::render_case_text(cc, r);
      }
    }
    if (update) update_table += fmt::format("{:<28} {}\n", sc.name, action);
    cmp.cases.push_back(std::move(cc));
  }

  int code = 0;
  if (update) {
    std::cout << fmt::format("maia-sim regress {} --update: baselines in {}\n\n{:<28} {}\n{}",
                             suite.file, suite.baselines, "case", "baseline", update_table);
    std::cout << update_details;
    std::cout << fmt::format(
        "\n{} updated, {} created, {} unchanged (identical apart from the "
        "simulation block)\n",
        updated, created, unchanged);
    if (updated + created > 0)
      std::cout << "review them with git diff, and commit them with the change that moved them\n";
    // Stale baselines: a directory for a case the suite no longer has.
    std::error_code ec;
    if (case_patterns.empty() && fs::is_directory(suite.baselines))
      for (const auto& e : fs::directory_iterator(suite.baselines, ec)) {
        bool known = false;
        for (const auto& c : suite.cases) known = known || c.name == e.path().filename().string();
        if (e.is_directory() && !known)
          std::cout << fmt::format("note: {} belongs to no case of the suite (not removed)\n",
                                   e.path().string());
      }
    code = cmp.errored() ? kExitBadInput : kExitOk;
  } else {
    regress::RenderOptions render;
    render.all_metrics = vm.count("all") > 0;
    render.case_table = true;
    code = emit_comparison(cmp, vm, o, render);
  }
  if (temporary && code == 0) {
    std::error_code ec;
    fs::remove_all(out_dir, ec);
  } else {
    std::cerr << fmt::format("results kept in {}\n", out_dir);
  }
  return code;
}

}  // namespace maia::cli
