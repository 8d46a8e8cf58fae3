#pragma once
// Microbenchmarks: each builds a program (maia/kernels), runs it on the chip model and derives
// achieved versus peak figures from the simulated time and statistics, with the statistics that
// explain the gap (row misses, refresh, link contention, TLP overhead).
#include <string>

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

// A human-readable table of one microbenchmark's JSON result.
std::string microbench_table(const Json& result);

}  // namespace maia
