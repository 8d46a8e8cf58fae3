// maia-sim compare A B: every metric of a baseline (A) and a candidate (B) result with its delta
// and verdict under a tolerance, and, for a case that moved, the operators and engines whose
// time changed most (docs/regression.md). Exit 0 within tolerance, 1 beyond, 2 on bad input.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "compare_cli.hpp"
#include "maia/core/error.hpp"

namespace maia::cli {

void add_compare_options(po::options_description& desc, CompareCliOptions& o) {
  desc.add_options()("tolerance", po::value(&o.tolerance)->default_value(o.tolerance),
                     "default tolerance: 2% (relative), 0.5 (absolute, the metric's unit), 0 "
                     "(exact) or info")(
      "metric-tolerance", po::value(&o.metric_tolerances)->composing(),
      "PATTERN=TOL for the metrics matching PATTERN (a name or glob: 'latency.*.p99=5%'); "
      "repeatable")("allow-improvements",
                    "an improvement beyond tolerance passes (by default it fails too: update "
                    "the baseline)")("json", "print the comparison as JSON")(
      "markdown", "print the comparison as Markdown (a pull-request comment)")(
      "json-file", po::value(&o.json_file), "also write the JSON to this file")(
      "markdown-file", po::value(&o.markdown_file), "also write the Markdown to this file")(
      "top", po::value(&o.top)->default_value(o.top),
      "operators listed in the attribution of a case that moved")(
      "no-attribution", "do not read ops.csv to explain what moved");
}

regress::CompareOptions compare_options(const po::variables_map& vm, const CompareCliOptions& o) {
  regress::CompareOptions opt;
  opt.tolerances.global = regress::parse_tolerance(o.tolerance, "--tolerance");
  if (opt.tolerances.global.kind == regress::Tolerance::Kind::kInformational)
    throw InputError(
        "--tolerance: the default tolerance must be a percentage or an amount, not info");
  regress::ToleranceLayer cli;
  for (const auto& mt : o.metric_tolerances) {
    const auto eq = mt.rfind('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(fmt::format(
          "--metric-tolerance: must be PATTERN=TOLERANCE like latency.*.p99=5%, got \"{}\"", mt));
    cli.per_metric.emplace_back(
        mt.substr(0, eq), regress::parse_tolerance(mt.substr(eq + 1), "--metric-tolerance " + mt));
  }
  opt.tolerances.layers.push_back(cli);
  opt.allow_improvements = vm.count("allow-improvements") > 0;
  opt.attribution = vm.count("no-attribution") == 0;
  if (o.top < 0) throw InputError(fmt::format("--top: must be >= 0, got {}", o.top));
  opt.attribution_top = o.top;
  return opt;
}

void write_file(const std::string& file, const std::string& text) {
  std::ofstream out(file);
  if (!out) throw InputError(fmt::format("{}: cannot write file", file));
  out << text;
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

int emit_comparison(const regress::Comparison& c, const po::variables_map& vm,
                    const CompareCliOptions& o, const regress::RenderOptions& render) {
  if (!o.json_file.empty()) write_file(o.json_file, regress::render_json(c).dump(2) + "\n");
  if (!o.markdown_file.empty()) write_file(o.markdown_file, regress::render_markdown(c, render));
  if (vm.count("json"))
    std::cout << regress::render_json(c).dump(2) << "\n";
  else if (vm.count("markdown"))
    std::cout << regress::render_markdown(c, render);
  else
    std::cout << regress::render_text(c, render);
  return c.exit_code();
}

int cmd_compare(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim compare BASELINE CANDIDATE [options]\n"
      "  each a result directory (summary.json, ops.csv), a directory of case directories, a\n"
      "  summary.json, microbench --json output, or make bench's JSON\n"
      "  exit 0 within tolerance, 1 beyond it, 2 on bad input (docs/regression.md)");
  CompareCliOptions o;
  std::vector<std::string> paths;
  desc.add_options()("help,h", "this help")("paths", po::value(&paths), "BASELINE CANDIDATE")(
      "changed", "list only the metrics beyond tolerance (default: every metric)");
  add_compare_options(desc, o);
  po::positional_options_description pos;
  pos.add("paths", 2);
  const auto vm = parse("compare", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (paths.size() != 2)
    throw InputError("maia-sim compare: two results are required: BASELINE CANDIDATE");
  if (vm.count("json") && vm.count("markdown"))
    throw InputError("maia-sim compare: --json and --markdown exclude each other");
  const regress::CompareOptions opt = compare_options(vm, o);
  const regress::ResultSet base = regress::load_results(paths[0]);
  const regress::ResultSet cand = regress::load_results(paths[1]);
  regress::Comparison c = regress::compare_sets(base, cand, opt);
  regress::RenderOptions render;
  render.all_metrics = vm.count("changed") == 0;
  return emit_comparison(c, vm, o, render);
}

}  // namespace maia::cli
