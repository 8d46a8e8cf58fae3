#include "maia/hw/gpu/gpu_peaks.hpp"

#include <algorithm>

namespace maia {

DType gpu_mma_dtype(DType a, DType b) { return dtype_bits(a) >= dtype_bits(b) ? a : b; }

double gpu_macs_per_cycle(const GpuSmConfig& sm, DType t) {
  const auto fp16 = static_cast<double>(sm.macs_per_cycle_fp16);
  const auto fp8 = static_cast<double>(sm.macs_per_cycle_fp8);
  const auto fp4 = static_cast<double>(sm.macs_per_cycle_fp4);
  double rate = 0;
  switch (t) {
    case DType::kFp4:
      rate = fp4 > 0 ? fp4 : (fp8 > 0 ? fp8 : fp16);
      break;
    case DType::kFp8:
      rate = fp8 > 0 ? fp8 : fp16;
      break;
    case DType::kBf16:
    case DType::kFp16:
      rate = fp16;
      break;
    case DType::kFp32:
      rate = 0;
      break;
  }
  return rate > 0 ? rate : static_cast<double>(sm.fp32_lanes);
}

double gpu_tensor_peak_flops(const GpuConfig& c, DType t) {
  return 2.0 * static_cast<double>(c.sm.count) * gpu_macs_per_cycle(c.sm, t) * c.clock_ghz * 1e9;
}

double gpu_vector_peak_flops(const GpuConfig& c) {
  return 2.0 * static_cast<double>(c.sm.count * c.sm.fp32_lanes) * c.clock_ghz * 1e9;
}

double gpu_l2_gbps(const GpuConfig& c) {
  return static_cast<double>(c.l2.bytes_per_cycle) * c.clock_ghz;
}

double gpu_nvlink_gbps(const GpuConfig& c) {
  return static_cast<double>(c.nvlink.links) * c.nvlink.gbps_per_link;
}

}  // namespace maia
