#pragma once
// Microbenchmarks: each builds a program (maia/kernels), runs it on the chip model and derives
// achieved versus peak figures from the simulated time and statistics, with the statistics that
// explain the gap (row misses, refresh, link contention, TLP overhead).
#include <cstdint>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/kernels/gemm_kernel.hpp"
#include "maia/kernels/transfer_kernels.hpp"
#include "maia/report/stats.hpp"

namespace maia {

// Each returns one JSON object; gemm has achieved_tflops / peak_tflops, the others
// achieved_gbps / peak_gbps (GB/s = 1e9 B/s).
Json microbench_gemm(const ChipConfig& chip, const GemmSpec& spec);
Json microbench_hbm(const ChipConfig& chip, const HbmStreamSpec& spec);
Json microbench_noc(const ChipConfig& chip, const NocTrafficSpec& spec);
Json microbench_pcie(const ChipConfig& chip, const PcieSpec& spec);

// microbench hbm --pattern latency (src/microbench/hbm_latency.cpp): a pointer chase of 64 B
// reads at the HBM controller, alone and with `streams` sequential readers offering each of
// `loads` (fractions of peak bandwidth). JSON: a `curve` of offered_load, bandwidth_gbps,
// latency_mean/p50/p99_ns.
struct HbmLatencySpec {
  std::int64_t chase_steps = 300;
  std::int64_t streams = 80;  // as many as the chip's cluster DMA queues
  std::uint64_t stream_chunk_bytes = 256 * 1024;
  std::int64_t outstanding = 16;  // chunks in flight per stream, as a cluster DMA queue
  std::vector<double> loads = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
  std::uint64_t seed = 1;
};
Json microbench_hbm_latency(const ChipConfig& chip, const HbmLatencySpec& spec);
// Its curve as a table, or as CSV.
std::string hbm_latency_table(const Json& result, bool csv);

// A human-readable table of one microbenchmark's JSON result.
std::string microbench_table(const Json& result);

}  // namespace maia
