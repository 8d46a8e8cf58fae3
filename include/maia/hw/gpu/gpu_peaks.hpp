#pragma once
// A GPU's peaks from its config alone (no simulation): tensor and vector FLOP rates, L2, NVLink.
// The model, the lowering and the backend's rooflines all use these, so a roofline is the same
// number the model's pipes run at (before the achievable fractions).
#include "maia/config/gpu_config.hpp"
#include "maia/core/dtype.hpp"

namespace maia {

// The tensor-core operand type a GEMM of `a` x `b` runs at: the wider of the two.
DType gpu_mma_dtype(DType a, DType b);
// Dense MACs per clock of one SM for `t`; a type without tensor support (0) runs at the next
// wider one that has it; FP32 (or no tensor support at all) runs on the FP32 lanes.
double gpu_macs_per_cycle(const GpuSmConfig& sm, DType t);
// Whole-chip dense tensor peak for `t`, FLOP/s (2 FLOPs per MAC).
double gpu_tensor_peak_flops(const GpuConfig& c, DType t);
// Whole-chip FP32 FMA peak, FLOP/s.
double gpu_vector_peak_flops(const GpuConfig& c);
// L2 bandwidth, whole chip, GB/s.
double gpu_l2_gbps(const GpuConfig& c);
// NVLink bandwidth per direction, all links, GB/s.
double gpu_nvlink_gbps(const GpuConfig& c);

}  // namespace maia
