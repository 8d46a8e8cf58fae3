// Speed of the analytical collective model (docs/systems.md). Target (docs/performance.md): a
// 6,144-chip all-reduce in <= 0.1 s; here one estimate (auto: every algorithm and the bound) and
// the whole 8 B .. 8 GiB table of maia-sim microbench collective.
#include <benchmark/benchmark.h>

#include "maia/system/collective_model.hpp"
#include "maia/system/system_config.hpp"

namespace {

const maia::SystemConfig& cluster() {
  static const maia::SystemConfig s =
      maia::load_system_config(MAIA_SOURCE_DIR "/configs/systems/maia200-cluster-6144.json");
  return s;
}

void collective_6144_allreduce_1gib(benchmark::State& state) {
  const auto& s = cluster();
  for (auto _ : state)
    benchmark::DoNotOptimize(maia::estimate_collective(*s.topology, s.chip,
                                                       maia::CollectiveOp::kAllReduce, 6144,
                                                       1073741824.0, maia::DType::kBf16, "auto"));
}

void collective_6144_allreduce_table(benchmark::State& state) {
  const auto& s = cluster();
  for (auto _ : state)
    for (double bytes = 8; bytes <= 8589934592.0; bytes *= 2)
      benchmark::DoNotOptimize(maia::estimate_collective(*s.topology, s.chip,
                                                         maia::CollectiveOp::kAllReduce, 6144,
                                                         bytes, maia::DType::kBf16, "auto"));
}

}  // namespace

BENCHMARK(collective_6144_allreduce_1gib)->Unit(benchmark::kMicrosecond);
BENCHMARK(collective_6144_allreduce_table)->Unit(benchmark::kMicrosecond);
