// A GPU's chip figures, named like Maia's where they mean the same (sweeps compare kinds by
// them): on-chip SRAM, tensor peaks, HBM bandwidth and capacity, TDP; then the GPU's own.
#include "maia/backend/gpu_backend.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/hw/gpu/gpu_peaks.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {

std::vector<ChipFigure> GpuBackend::figures() const {
  constexpr double kMiB = 1024.0 * 1024.0;
  const GpuConfig& c = cfg_;
  const double l2_mib = static_cast<double>(c.l2.bytes) / kMiB;
  const double sm_mib =
      static_cast<double>(c.sm.count * (c.sm.shared_memory_bytes + c.sm.register_file_bytes)) /
      kMiB;
  return {
      {"total_sram_mib", "L2 plus every SM's shared memory and register file, MiB",
       l2_mib + sm_mib},
      {"l2_mib", "L2 capacity, MiB", l2_mib},
      {"sm_count", "streaming multiprocessors", static_cast<double>(c.sm.count)},
      {"peak_tflops_fp4", "dense tensor peak, FP4 (next wider type where unsupported), TFLOP/s",
       gpu_tensor_peak_flops(c, DType::kFp4) / 1e12},
      {"peak_tflops_fp8", "dense tensor peak, FP8, TFLOP/s",
       gpu_tensor_peak_flops(c, DType::kFp8) / 1e12},
      {"peak_tflops_bf16", "dense tensor peak, BF16, TFLOP/s",
       gpu_tensor_peak_flops(c, DType::kBf16) / 1e12},
      {"hbm_gbps", "HBM peak bandwidth, GB/s", hbm_peak_gbps(c.hbm)},
      {"tdp_w", "board power (the tdp_w knob), W", c.tdp_w},
      {"idle_power_w", "idle power of the board (the energy.static_w knob), W", c.energy.static_w},
      {"hbm_capacity_gib", "HBM capacity, GiB",
       static_cast<double>(hbm_capacity_bytes(c.hbm)) / (kMiB * 1024.0)},
      {"nvlink_gbps", "NVLink bandwidth per direction, all links, GB/s", gpu_nvlink_gbps(c)},
  };
}

}  // namespace maia
