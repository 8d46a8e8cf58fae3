// Simulator speed of the GPU model (not a test: machines are noisy): one 8192^3 FP16 GEMM on an
// A100-like config (108 SMs at 1.41 GHz, 1024 FP16 MACs/clk/SM, 40 MiB L2, HBM2e at 2.0 TB/s),
// simulated afresh every iteration (memoisation off) on one GpuChip, as SystemC elaborates once
// per process. Target: well under 1 s of wall time per GEMM. Reported counters: the simulated
// time and the achieved TFLOP/s of the simulated GEMM.
#include <benchmark/benchmark.h>

#include <systemc>

#include "maia/backend/gpu_backend.hpp"
#include "maia/config/gpu_config.hpp"
#include "maia/workload/operator.hpp"

namespace {

maia::GpuConfig a100_like() {
  maia::GpuConfig c;
  c.name = "a100-like";
  c.clock_ghz = 1.41;
  c.tdp_w = 400;
  c.sm.count = 108;
  c.sm.macs_per_cycle_fp16 = 1024;
  c.sm.macs_per_cycle_fp8 = 0;
  c.sm.shared_memory_bytes = 167936;
  c.l2.bytes = 40 * 1024 * 1024;
  c.hbm.stacks = 5;
  c.hbm.channels_per_stack = 8;
  c.hbm.pseudo_channels = 2;
  c.hbm.sids = 1;
  c.hbm.rows_per_bank = 32768;
  c.hbm.pin_rate_gbps = 3.2;  // 5 x 1024 pins x 3.2 Gb/s / 8 = 2048 GB/s
  c.nvlink.links = 12;
  return c;
}

void gemm_8192_fp16_a100(benchmark::State& state) {
  static maia::GpuBackend backend(a100_like(), maia::BackendOptions{false, false, false});
  const maia::OpShape shape =
      maia::GemmShape{8192, 8192, 8192, maia::DType::kFp16, maia::DType::kFp16, maia::DType::kFp16};
  maia::Operator op;
  op.name = "gemm";
  op.shape = shape;
  op.cost = maia::generic_cost(shape);
  op.signature = maia::op_signature(op.name, shape);
  double simulated_ns = 0;
  for (auto _ : state) simulated_ns = backend.run_operator(op).time_ns;
  state.counters["simulated_us"] = simulated_ns / 1e3;
  state.counters["achieved_tflops"] = static_cast<double>(op.cost.flops) / simulated_ns / 1e3;
}
BENCHMARK(gemm_8192_fp16_a100)->Unit(benchmark::kMillisecond);

}  // namespace

// SystemC owns main() and calls sc_main.
int sc_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
