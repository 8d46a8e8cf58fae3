#include "system_serving_options.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/system/router.hpp"
#include "maia/serving/system/system_serving.hpp"
#include "maia/system/system_config.hpp"
#include "progress.hpp"

namespace maia::cli {
namespace po = boost::program_options;
namespace {

// The shipped system for `chips` when none is named: the tray up to 4 chips, the cluster beyond.
std::string default_serving_system(std::int64_t chips) {
  const auto dir = std::filesystem::path(default_chip_file()).parent_path() / "systems";
  return (dir / (chips <= 4 ? "maia200-tray.json" : "maia200-cluster-6144.json")).string();
}

void print_report(const SystemServingResult& r, const RunSummary& s, const Json& j) {
  const auto& sys = j["serving_system"];
  fmt::print("model {}  on {}  ({})\n", s.model, s.chip,
             quantization_text(
                 {s.dtypes.weights, s.dtypes.activations, s.dtypes.kv_cache, s.dtypes.experts}));
  fmt::print(
      "system {}: {} replicas of {} chip(s), {}{}, router {}; KV per replica {} blocks x {} "
      "tokens\n\n",
      r.system, r.replicas.size(), r.chips_per_replica, sys["mode"].get<std::string>(),
      r.options.disaggregated()
          ? fmt::format(" {}:{}", r.options.prefill_replicas, r.options.decode_replicas)
          : std::string(),
      r.options.router, r.total.config.kv_blocks / static_cast<std::int64_t>(r.replicas.size()),
      r.total.config.block_tokens);
  print_latency_table(j);
  fmt::print("\n{:<28} {:>14.1f} tokens/s\n", "output throughput",
             j["throughput"]["output_tokens_per_s"].get<double>());
  fmt::print("{:<28} {:>14.1f} tokens/s  (output, {} chips)\n", "per chip",
             j["throughput"]["output_tokens_per_s_per_chip"].get<double>(), r.chips());
  fmt::print("{:<28} {:>14} submitted, {} completed, {} rejected\n", "requests", s.submitted,
             s.requests.size(), s.rejected);
  fmt::print("{:<28} {:>13.1f}%  within TTFT <= {} ms and TPOT <= {} ms\n", "goodput",
             100 * j["serving"]["goodput"]["fraction"].get<double>(), r.total.slo_ttft_ms,
             r.total.slo_tpot_ms);
  fmt::print("{:<28} {:>13.1f}%\n", "prefix cache hit rate",
             100 * j["serving"]["prefix_hit_rate"].get<double>());
  if (j.contains("disaggregation")) {
    const auto& x = j["disaggregation"]["kv_transfers"];
    fmt::print(
        "{:<28} {:>14} transfers, {:.3f} GB, {:.3f} ms in all, p50 {:.3f} ms, p99 {:.3f} ms "
        "(queued p99 {:.3f} ms)\n",
        "KV transfers", x["count"].get<std::int64_t>(), x["bytes"].get<double>() / 1e9,
        x["total_ms"].get<double>(), x["time_ms"]["p50"].get<double>(),
        x["time_ms"]["p99"].get<double>(), x["queued_ms"]["p99"].get<double>());
  }
  fmt::print("\n{:<8} {:<10} {:>9} {:>12} {:>12} {:>12} {:>9} {:>9}\n", "replica", "role",
             "requests", "tokens/s", "TTFT p50 ms", "TPOT p50 ms", "KV peak", "busy");
  for (const auto& rep : j["replicas"])
    fmt::print("{:<8} {:<10} {:>9} {:>12.1f} {:>12.3f} {:>12.3f} {:>8.1f}% {:>8.1f}%\n",
               rep["index"].get<std::int64_t>(), rep["role"].get<std::string>(),
               rep["requests"].get<std::int64_t>(), rep["output_tokens_per_s"].get<double>(),
               rep["ttft_ms"]["p50"].get<double>(), rep["tpot_ms"]["p50"].get<double>(),
               100 * rep["kv_peak_utilisation"].get<double>(),
               100 * rep["busy_fraction"].get<double>());
  fmt::print("\n{:<28} {:>14} ({} cost-model points)\n", "iterations", r.total.iterations,
             r.total.cost_points_simulated);
  fmt::print("{:<28} {:>14.6f} s simulated, {:.1f} s wall\n", "simulation", s.simulated_ns / 1e9,
             s.wall_s);
}

}  // namespace

void add_system_serving_options(po::options_description& desc, SystemServingArgs& a) {
  desc.add_options()(
      "replicas", po::value(&a.replicas)->default_value(a.replicas),
      "trace: serve on N replicas of the model (each one chip, or one --tp group) behind "
      "--router, on one simulated clock (docs/serving.md)")(
      "disaggregate", po::value(&a.disaggregate),
      "trace: P:D: P prefill replicas and D decode replicas; each prompt's KV cache moves to a "
      "decode replica over the --system network")(
      "router", po::value(&a.router)->default_value(a.router),
      "trace: the router with --replicas or --disaggregate: round-robin, least-outstanding, "
      "prefix-affinity");
}

bool system_serving_requested(const po::variables_map& vm, bool serving) {
  bool any = false;
  for (const char* n : {"replicas", "disaggregate", "router"})
    if (vm.count(n) && !vm[n].defaulted()) {
      if (!serving)
        throw InputError(fmt::format(
            "maia-sim run: --{} applies only when serving a trace (--trace FILE or --rate R)", n));
      any = true;
    }
  if (vm.count("replicas") && !vm["replicas"].defaulted() && vm.count("disaggregate"))
    throw InputError(
        "maia-sim run: --replicas and --disaggregate P:D exclude each other (P + D replicas)");
  return any;
}

int serve_on_system(const po::variables_map& vm, const SystemServingArgs& a,
                    const std::string& system_file, Backend& backend, const ModelConfig& model,
                    const Quantization& quant, const std::vector<Request>& requests,
                    const ServingOptions& serving, std::int64_t tp, const Json& workload,
                    bool memoize, const std::string& out_dir) {
  SystemServingOptions o;
  o.replicas = a.replicas;
  o.router = a.router;
  if (vm.count("disaggregate")) parse_disaggregation(a.disaggregate, "--disaggregate", o);
  validate_system_serving_options(o);
  const std::string file =
      system_file.empty() ? default_serving_system(o.replica_count() * tp) : system_file;
  const SystemConfig system = load_system_config(file);
  const auto t0 = std::chrono::steady_clock::now();
  ProgressPrinter progress;
  ServingOptions opts = serving;
  opts.progress = [&progress](const ServingProgress& p) { progress(p); };
  const SystemServingResult r =
      run_system_serving(backend, model, quant, requests, opts, o, system, tp);
  progress.finish();
  Json w = workload;
  w["replicas"] = o.replica_count();
  w["router"] = o.router;
  w["system"] = system.name;
  if (o.disaggregated())
    w["disaggregate"] = fmt::format("{}:{}", o.prefill_replicas, o.decode_replicas);
  RunSummary s = serving_summary(r.total, model.name, backend.chip_name(), quant, memoize, w);
  s.tensor_parallel = model.tensor_parallel;
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!out_dir.empty()) write_system_serving_outputs(s, r, out_dir);
  print_report(r, s, system_serving_summary_json(s, r));
  if (!out_dir.empty())
    fmt::print("\nwrote {0}/summary.json, {0}/ops.csv and {0}/requests.csv\n", out_dir);
  return kExitOk;
}

}  // namespace maia::cli
