// Simulator speed of whole inference iterations, in process: one ChipSession (SystemC
// elaborates once per process) runs every benchmark iteration as further phases. Each iteration
// uses a fresh OpExecutor, so identical layers are simulated once per iteration, as in a run.
// Targets (docs/performance.md): a Llama-3.1-70B FP8 decode iteration at batch 64 and 4k context
// in <= 1 s; a 2,048-token Llama-3.1-8B prefill in <= 2 s.
#include <benchmark/benchmark.h>

#include <memory>

#include "maia/compiler/op_executor.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/operator_graph.hpp"

namespace {

maia::ChipSession& session() {
  static const maia::ChipConfig cfg =
      maia::load_chip_config(MAIA_SOURCE_DIR "/configs/maia200.json");
  static maia::ChipSession s(cfg);
  return s;
}

void iteration(benchmark::State& state, const char* model, std::int64_t batch, std::int64_t cached,
               std::int64_t fresh) {
  const maia::ChipConfig cfg = maia::load_chip_config(MAIA_SOURCE_DIR "/configs/maia200.json");
  const maia::ModelConfig m = maia::load_model(model, MAIA_SOURCE_DIR "/configs/models");
  const maia::Quantization q{maia::DType::kFp8, maia::DType::kFp8, maia::DType::kFp8};
  const maia::OperatorGraph g =
      maia::build_iteration_graph(m, q,
                                  std::vector<maia::Sequence>(static_cast<std::size_t>(batch),
                                                              maia::Sequence{cached, fresh, true}));
  double simulated_ns = 0, simulated_ops = 0;
  for (auto _ : state) {
    maia::OpExecutor exec(session(), cfg);
    const maia::IterationResult r = maia::run_iteration(exec, g);
    simulated_ns += r.time_ns;
    simulated_ops += static_cast<double>(exec.simulated());
  }
  state.counters["simulated_ms"] = simulated_ns / 1e6 / static_cast<double>(state.iterations());
  state.counters["ops_simulated"] = simulated_ops / static_cast<double>(state.iterations());
  state.counters["ops_total"] = static_cast<double>(g.ops.size());
}

}  // namespace

BENCHMARK_CAPTURE(iteration, llama70b_decode_b64_ctx4k, "llama-3.1-70b", 64, 4096, 1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);
BENCHMARK_CAPTURE(iteration, llama8b_prefill_2048, "llama-3.1-8b", 1, 0, 2048)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);
