#pragma once
// Typed configuration of a GPU (chip kind `gpu`): streaming multiprocessors with tensor cores, a
// hardware-managed L2 behind a crossbar, HBM (the same HbmConfig as Maia's), NVLink into a switch
// domain and a PCIe host link, plus the kernel-library and serving-engine figures no datasheet
// gives (achievable fractions, launch gaps), which are calibrated. Every field is a knob of the
// GPU knob table (config/gpu_knobs.cpp) with unit, range and provenance; a GPU config file must
// give every field (after `extends`), so no GPU number is a silent default. The in-class values
// below only make the struct well defined; they are H100 SXM's.
#include <cstdint>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"

namespace maia {

// One streaming multiprocessor (NVIDIA SM, AMD CU); the chip has `count` of them.
struct GpuSmConfig {
  std::int64_t count = 132;
  std::int64_t tensor_cores = 4;
  // Dense tensor-core multiply-accumulates per clock per SM by operand type (0: not supported,
  // the operator runs at the next wider type that is).
  std::int64_t macs_per_cycle_fp16 = 2048;  // FP16 and BF16
  std::int64_t macs_per_cycle_fp8 = 4096;
  std::int64_t macs_per_cycle_fp4 = 0;
  std::int64_t fp32_lanes = 128;    // FP32 FMA per clock (CUDA cores)
  std::int64_t sfu_per_cycle = 16;  // exp/rsqrt per clock
  std::int64_t register_file_bytes = 262144;
  std::int64_t shared_memory_bytes = 233472;  // usable shared memory (228 KiB on H100)
  std::int64_t shared_memory_bytes_per_cycle = 128;
  std::int64_t max_ctas = 32;  // resident CTAs per SM
  // Crossbar port into one SM: bytes per chip clock it can load from or store to L2.
  std::int64_t l2_port_bytes_per_cycle = 64;
};

struct GpuL2Config {
  std::int64_t bytes = 50 * 1024 * 1024;
  std::int64_t partitions = 2;
  std::int64_t bytes_per_cycle = 5120;  // whole L2, at the chip clock
  std::int64_t latency_cycles = 260;    // load-to-use from an SM on a hit
};

// NVLink (or Infinity Fabric) ports into the node's switch domain.
struct GpuLinkConfig {
  std::int64_t links = 18;
  double gbps_per_link = 25;  // GB/s per direction per link
  double latency_ns = 1000;
  std::int64_t domain_gpus = 8;  // GPUs one switch domain joins: the tensor-parallel limit
};

// The kernel library and serving engine: what no spec sheet gives; fitted by `maia-sim calibrate`.
struct GpuKernelConfig {
  double launch_gap_ns = 4000;        // between dependent kernels without CUDA graphs
  double graph_launch_gap_ns = 1000;  // between kernels of one captured graph
  std::int64_t cuda_graphs = 1;       // 1: decode iterations replay a captured graph
  double gemm_efficiency = 0.8;       // achievable fraction of tensor peak in a GEMM main loop
  double attention_efficiency = 0.6;  // same, in flash attention
  double memory_efficiency = 0.9;     // achievable fraction of HBM bandwidth when streaming
  double iteration_overhead_us = 0;   // serving engine's CPU time per scheduler iteration
  std::vector<std::int64_t> cta_tile_m = {64, 128, 256};  // GEMM CTA tile shapes to choose from
  std::vector<std::int64_t> cta_tile_n = {64, 128, 256};
  std::int64_t cta_tile_k = 64;
  std::int64_t max_split_k = 8;
  // GEMM main-loop stages (k-slices of A and B) held in shared memory; fewer when they don't fit.
  std::int64_t gemm_pipeline_stages = 4;
};

// Energy per event and idle power of a GPU (docs/power.md): tensor cores, CUDA cores, shared
// L2 (the far SRAM; shared memory is not modelled as traffic), the SM-L2 crossbar, HBM, NVLink and
// PCIe.
struct GpuEnergyConfig {
  double mac_fp4_pj = 0.08, mac_fp8_pj = 0.16, mac_fp16_pj = 0.35;  // per tensor-core MAC
  double vector_op_pj = 0.5;          // per FP32 lane or SFU operation, register file included
  double l2_pj_per_byte = 3.0;        // per byte through the L2 partitions
  double crossbar_pj_per_byte = 2.0;  // per byte between SMs and L2
  double hbm_activate_pj = 900;
  double hbm_read_pj_per_bit = 3.5, hbm_write_pj_per_bit = 3.7;
  double hbm_refresh_pj = 25000;
  double nvlink_pj_per_bit = 6.0;
  double pcie_pj_per_bit = 6.0;
  double static_w = 150;  // idle power of the whole board
};

struct GpuConfig {
  std::string name = "h100-sxm";
  double clock_ghz = 1.83;  // sustained tensor clock implied by the dense peaks
  double tdp_w = 700;
  GpuSmConfig sm;
  GpuL2Config l2;
  HbmConfig hbm;
  GpuLinkConfig nvlink;
  PcieConfig pcie;
  GpuKernelConfig kernel;
  GpuEnergyConfig energy;
  CostConfig cost;
  // HBM generation, for summaries and reports (HbmConfig is shared with Maia and has no such
  // field).
  std::string memory_type = "HBM3";
};

}  // namespace maia
