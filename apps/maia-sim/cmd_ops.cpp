// maia-sim ops: run an operator trace (written by `maia-sim run --emit-ops`, or by hand) as one
// iteration on the chip model and report every operator's time against its roofline.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "maia/backend/make_backend.hpp"
#include "maia/core/error.hpp"
#include "maia/report/summary.hpp"
#include "maia/workload/op_trace.hpp"
#include "output_paths.hpp"

namespace maia::cli {

int cmd_ops(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim ops TRACE.json [options]");
  ChipOptions chip;
  std::string trace_file, out_dir;
  desc.add_options()("help,h", "this help")("trace", po::value(&trace_file), "operator trace JSON")(
      "json", "print one JSON object instead of the table")(
      "out", po::value(&out_dir), "write ops.csv (phase \"trace\") into this directory")(
      "no-memo", "simulate every operator, even when an identical one was already measured")(
      "prefetch",
      "load a GEMM's first weight panels during the previous operator (see docs/inference.md)");
  add_chip_options(desc, chip);
  CacheOptions cache;
  add_cache_options(desc, cache);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const auto vm = parse("ops", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (trace_file.empty()) throw InputError("maia-sim ops: a TRACE.json argument is required");
  if (!out_dir.empty()) check_output_dir(out_dir, "--out");
  const bool memoize = vm.count("no-memo") == 0;
  const AnyChipConfig cfg = load_any_chip(chip);
  const OperatorGraph graph = read_op_trace(trace_file);

  BackendOptions options;
  options.memoize = memoize;
  options.prefetch = vm.count("prefetch") > 0;
  const std::unique_ptr<DiskMeasurementCache> measurement_cache = open_cache(cache);
  options.cache = measurement_cache.get();
  const std::unique_ptr<Backend> backend = make_backend(cfg, options);
  const auto t0 = std::chrono::steady_clock::now();
  const IterationResult r = backend->run_graph(graph);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) throw InputError(fmt::format("{}: cannot create directory: {}", out_dir, ec.message()));
    write_ops_csv({{"trace", r.ops}}, (std::filesystem::path(out_dir) / "ops.csv").string());
  }
  if (vm.count("json")) {
    Json j;
    j["trace"] = graph.name;
    j["chip"] = backend->chip_name();
    j["time_us"] = r.time_ns / 1e3;
    j["ops_simulated"] = backend->operators_simulated();
    j["ops_reused"] = backend->operators_reused();
    Json ops = Json::array();
    for (const auto& m : r.ops) ops.push_back(op_measurement_json(m));
    j["ops"] = ops;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  fmt::print("trace {}  on {}\n\n", graph.name.empty() ? trace_file : graph.name,
             backend->chip_name());
  fmt::print("{:>5} {:<16} {:>5} {:<9} {:>12} {:>10} {:>10} {:>8} {:>9} {:>6}\n", "#", "operator",
             "layer", "kind", "time us", "TFLOP/s", "HBM GB/s", "bound", "roofline", "reused");
  for (std::size_t i = 0; i < r.ops.size(); ++i) {
    const auto& m = r.ops[i];
    const double t = m.time_ns;
    fmt::print("{:>5} {:<16} {:>5} {:<9} {:>12.3f} {:>10.1f} {:>10.1f} {:>8} {:>8.1f}% {:>6}\n", i,
               m.name, m.layer, m.kind, t / 1e3, t > 0 ? m.flops / t / 1e3 : 0.0,
               t > 0 ? m.hbm_bytes / t : 0.0, m.bound, t > 0 ? 100 * m.roofline_ns / t : 0.0,
               m.reused ? "yes" : "");
  }
  double roofline = 0;
  for (const auto& m : r.ops) roofline += m.roofline_ns;
  fmt::print(
      "\ntotal {:.3f} us over {} operators ({} simulated, {} reused); roofline {:.3f} us "
      "({:.1f}%)\n",
      r.time_ns / 1e3, r.ops.size(), backend->operators_simulated(), backend->operators_reused(),
      roofline / 1e3, r.time_ns > 0 ? 100 * roofline / r.time_ns : 0.0);
  fmt::print("simulation wall time {:.1f} s\n", wall_s);
  if (!out_dir.empty()) fmt::print("wrote {}/ops.csv\n", out_dir);
  return kExitOk;
}

}  // namespace maia::cli
