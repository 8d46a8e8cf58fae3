#include "maia/regress/metrics.hpp"

#include <fnmatch.h>

namespace maia::regress {

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::kLowerIsBetter:
      return "lower";
    case Direction::kHigherIsBetter:
      return "higher";
    case Direction::kNeutral:
      return "neutral";
  }
  return "neutral";
}

namespace {
constexpr auto kLow = Direction::kLowerIsBetter;
constexpr auto kHigh = Direction::kHigherIsBetter;
constexpr auto kNone = Direction::kNeutral;
}  // namespace

const std::vector<MetricRule>& metric_rules() {
  static const std::vector<MetricRule> rules = {
      // The simulator measuring itself (summary.json and microbench --sim-stats): never a result.
      {"simulation.wall_s", kLow, true, "host time the simulation took"},
      {"simulation.*per_s", kHigh, true, "simulator speed"},
      {"simulation.*", kNone, true, "simulator bookkeeping (simulated time, memoisation)"},
      // summary.json of maia-sim run (docs/outputs.md).
      {"latency.*", kLow, false, "TTFT, TPOT, e2e distributions"},
      {"throughput.*", kHigh, false, "tokens and tokens/s"},
      {"requests.completed", kHigh, false, "requests that finished"},
      {"requests.rejected", kLow, false, "requests refused"},
      {"requests.*", kNone, false, "requests offered"},
      {"phases.*.simulated_iterations", kNone, true, "memoisation bookkeeping"},
      {"phases.*.time_ms", kLow, false, "time per phase"},
      {"phases.*.mean_iteration_ms", kLow, false, "mean iteration time per phase"},
      {"phases.*", kNone, false, "iterations and tokens per phase"},
      {"memory.*", kNone, false, "HBM footprint and capacity"},
      {"parallelism.*", kNone, false, "tensor-parallel group and its NIC bytes per iteration"},
      {"system.collectives.*.time_ms", kLow, false, "collective time per iteration, by kind"},
      {"system.*", kNone, false, "the system, its degrees, collective bytes and tier shares"},
      {"serving.queueing_delay_ms.*", kLow, false, "arrival to first scheduled"},
      {"serving.inter_token_ms.*", kLow, false, "gaps between tokens"},
      {"serving.preempt*", kLow, false, "preemptions"},
      {"serving.prefix_hit_*", kHigh, false, "prefix cache hits"},
      {"serving.iterations_simulated", kNone, true, "memoisation bookkeeping"},
      {"serving.iterations_reused", kNone, true, "memoisation bookkeeping"},
      {"serving.*", kNone, false, "scheduler budgets, KV capacity, token and iteration counts"},
      // Energy and cost (docs/power.md).
      {"energy.tokens_per_joule", kHigh, false, "tokens per joule of every chip"},
      {"energy.joules*", kLow, false, "energy of the run"},
      {"energy.classes_j.*", kLow, false, "energy per module class"},
      {"energy.phases.*.average_power_w", kNone, false, "power per phase"},
      {"energy.phases.*", kLow, false, "energy per phase"},
      {"energy.*", kNone, false, "chips, average and peak power (neither good nor bad alone)"},
      {"cost.tokens_per_dollar", kHigh, false, "tokens per dollar"},
      {"cost.dollars", kLow, false, "cost of the run"},
      {"cost.*_usd", kLow, false, "cost of the run by part"},
      {"cost.*", kNone, false, "the pricing model and rental price"},
      // maia-sim microbench --json (docs/microbenchmarks.md) and maia-sim ops --json.
      {"achieved_*", kHigh, false, "achieved TFLOP/s or GB/s"},
      {"fraction_of_peak", kHigh, false, "achieved / peak"},
      {"peak_*", kNone, false, "the chip's peak (a config change)"},
      {"time_us", kLow, false, "simulated time"},
      {"cycles", kLow, false, "simulated cycles"},
      {"ttu_utilisation", kHigh, false, "tensor unit busy fraction"},
      {"hbm_gbps", kHigh, false, "HBM bandwidth achieved"},
      {"h2d_gbps", kHigh, false, "PCIe host-to-device bandwidth achieved"},
      {"d2h_gbps", kHigh, false, "PCIe device-to-host bandwidth achieved"},
      {"hbm_bytes", kLow, false, "HBM traffic the kernel needed"},
      {"row_hit_rate", kHigh, false, "HBM row-buffer hits"},
      {"bus_utilisation", kHigh, false, "HBM data-bus busy fraction"},
      {"row_conflicts", kLow, false, "HBM row conflicts"},
      {"*stall*", kLow, false, "stall time"},
      {"*wait_ns", kLow, false, "waiting time"},
      {"*latency_ns", kLow, false, "latency"},
      // make bench (Google Benchmark JSON): the simulator's own speed, always informational.
      {"real_time_ns", kLow, true, "wall time per benchmark iteration"},
      {"cpu_time_ns", kLow, true, "CPU time of the benchmark's own thread"},
      {"*_per_s", kHigh, true, "simulator speed"},
      {"*_per_second", kHigh, true, "simulator speed"},
      {"*_per_wall_s", kHigh, true, "simulator speed"},
  };
  return rules;
}

bool glob_match(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

MetricClass classify_metric(const std::string& path) {
  for (const auto& r : metric_rules())
    if (glob_match(r.pattern, path)) return {r.direction, r.informational, true, r.pattern};
  return {};
}

}  // namespace maia::regress
