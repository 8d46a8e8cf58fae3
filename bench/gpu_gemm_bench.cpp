// Simulator speed of the GPU model (not a test: machines are noisy), on the shipped A100 config
// (configs/gpus/a100-sxm4-80gb.json), each case simulated afresh every iteration (memoisation
// off) on one GpuBackend, as SystemC elaborates one chip per process. Targets (issue "GPU
// baselines", docs/performance.md): an 8192^3 FP16 GEMM in at most 1 s of wall time; one
// GPT-3-175B decoder layer's prefill (batch 8 x 2,048 tokens, tp 4) in at most 10 s. Counters:
// the simulated time and, for the GEMM, the achieved TFLOP/s.
#include <benchmark/benchmark.h>

#include <systemc>

#include "maia/backend/gpu_backend.hpp"
#include "maia/config/any_chip_config.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/tensor_parallel.hpp"

namespace {

maia::GpuBackend& a100() {
  static maia::GpuBackend backend(std::get<maia::GpuConfig>(maia::load_any_chip_config(
                                      MAIA_SOURCE_DIR "/configs/gpus/a100-sxm4-80gb.json")),
                                  maia::BackendOptions{false, false, false});
  return backend;
}

void gemm_8192_fp16_a100(benchmark::State& state) {
  const maia::OpShape shape =
      maia::GemmShape{8192, 8192, 8192, maia::DType::kFp16, maia::DType::kFp16, maia::DType::kFp16};
  maia::Operator op;
  op.name = "gemm";
  op.shape = shape;
  op.cost = maia::generic_cost(shape);
  op.signature = maia::op_signature(op.name, shape);
  double simulated_ns = 0;
  for (auto _ : state) simulated_ns = a100().run_operator(op).time_ns;
  state.counters["simulated_us"] = simulated_ns / 1e3;
  state.counters["achieved_tflops"] = static_cast<double>(op.cost.flops) / simulated_ns / 1e3;
}
BENCHMARK(gemm_8192_fp16_a100)->Unit(benchmark::kMillisecond);

// Layer 0 of GPT-3-175B's prefill graph for 8 prompts of 2,048 tokens, sharded over 4 GPUs.
void gpt3_layer_prefill_tp4_a100(benchmark::State& state) {
  maia::ModelConfig model = maia::load_model("gpt3-175b", MAIA_SOURCE_DIR "/configs/models");
  maia::apply_tensor_parallel(model, 4, 8);
  const maia::Quantization bf16;
  const std::vector<maia::Sequence> batch(8, maia::Sequence{0, 2048, true});
  maia::OperatorGraph layer = maia::build_iteration_graph(model, bf16, batch);
  std::erase_if(layer.ops, [](const maia::Operator& op) { return op.layer != 0; });
  for (auto& op : layer.ops) op.deps.clear();  // indices into the whole graph
  double simulated_ns = 0;
  for (auto _ : state) simulated_ns = a100().run_graph(layer).time_ns;
  state.counters["simulated_us"] = simulated_ns / 1e3;
  state.counters["operators"] = static_cast<double>(layer.ops.size());
}
BENCHMARK(gpt3_layer_prefill_tp4_a100)->Unit(benchmark::kMillisecond);

}  // namespace

// SystemC owns main() and calls sc_main.
int sc_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
