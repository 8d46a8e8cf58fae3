// Simulator speed (not a test: machines are noisy). SystemC elaborates once per process, so each
// iteration runs the maia-sim CLI as a child process with --sim-stats and reports the wall time
// the simulation itself took (excluding process start), plus throughput counters:
//   sim_us_per_wall_s  simulated microseconds per wall second
//   deltas_per_s       SystemC delta cycles (kernel activations) per wall second
//   instr_per_s        dataflow macro-instructions per wall second
// Figures and the command that measured them: docs/performance.md.
#include <benchmark/benchmark.h>

#include <systemc>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace {

std::string g_cli = MAIA_CLI;

nlohmann::json run_cli(const std::string& args) {
  const std::string cmd = g_cli + " " + args + " --json --sim-stats";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return {};
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (pclose(pipe) != 0) return {};
  return nlohmann::json::parse(out, nullptr, false);
}

void sim_benchmark(benchmark::State& state, const std::string& args) {
  double wall = 0, simulated = 0, deltas = 0, instructions = 0;
  for (auto _ : state) {
    const nlohmann::json j = run_cli(args);
    if (!j.is_object() || !j.contains("simulation")) {
      state.SkipWithError(("maia-sim failed: " + args).c_str());
      return;
    }
    const auto& s = j["simulation"];
    state.SetIterationTime(s["wall_s"].get<double>());
    wall += s["wall_s"].get<double>();
    simulated += s["simulated_s"].get<double>();
    deltas += s["delta_cycles"].get<double>();
    instructions += j.value("instructions", 0.0);
  }
  state.counters["sim_us_per_wall_s"] = wall > 0 ? simulated * 1e6 / wall : 0;
  state.counters["deltas_per_s"] = wall > 0 ? deltas / wall : 0;
  if (instructions > 0) state.counters["instr_per_s"] = instructions / wall;
}

}  // namespace

BENCHMARK_CAPTURE(sim_benchmark, hbm_seq_8GiB,
                  std::string("microbench hbm --pattern seq --bytes 8Gi"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(sim_benchmark, hbm_random_64MiB,
                  std::string("microbench hbm --pattern random --bytes 64Mi"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(sim_benchmark, gemm_fp8_8192, std::string("microbench gemm --dtype fp8"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(sim_benchmark, gemm_fp4_8192, std::string("microbench gemm --dtype fp4"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(sim_benchmark, gemm_bf16_8192, std::string("microbench gemm --dtype bf16"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(sim_benchmark, pcie_256MiB, std::string("microbench pcie"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// SystemC owns main() and calls sc_main (iteration_bench.cpp simulates in this process).
int sc_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
