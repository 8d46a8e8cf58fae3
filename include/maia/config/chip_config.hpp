#pragma once
// Typed chip configuration. In-class initialisers are the Maia 200 values; every field is a
// knob declared in config/knobs.cpp with its unit, range, provenance and meaning.
#include <cstdint>
#include <string>
#include <vector>

namespace maia {

struct TtuConfig {
  std::int64_t tile_m = 32;  // output rows of one TTU operand tile
  std::int64_t tile_n = 32;  // output columns of one TTU operand tile
  std::int64_t macs_per_cycle_fp4 = 65536;
  std::int64_t macs_per_cycle_fp8 = 32768;
  std::int64_t macs_per_cycle_bf16 = 8192;
  std::int64_t pipeline_cycles = 64;  // fill + drain of one macro-instruction
};

struct TvpConfig {
  std::int64_t lanes_16bit = 256;
  std::int64_t lanes_fp32 = 128;
  std::int64_t pipes = 3;  // parallel FMA pipes per lane (6 FLOP/lane/cycle)
  std::int64_t pipeline_cycles = 16;
};

struct SramConfig {
  std::int64_t bytes = 0;
  std::int64_t banks = 16;
  std::int64_t bank_width_bytes = 64;   // bytes per bank per cycle
  std::int64_t interleave_bytes = 256;  // consecutive bytes in one bank
  std::int64_t latency_cycles = 4;
};

struct DmaConfig {
  std::int64_t bytes_per_cycle = 256;  // port width
  std::int64_t setup_cycles = 32;      // descriptor fetch and decode
  std::int64_t chunk_bytes = 16384;    // transfer granularity on shared resources
  std::int64_t max_outstanding = 4;    // chunks in flight
};

struct TileConfig {
  TtuConfig ttu;
  TvpConfig tvp;
  SramConfig tsram{3 * 1024 * 1024, 14, 64, 256, 4};
  DmaConfig dma{512, 32, 16384, 4};
  std::int64_t tcp_dispatch_cycles = 4;  // TCP cost to issue one macro-instruction
  std::int64_t semaphores = 64;          // hardware semaphores per tile
};

struct ClusterConfig {
  SramConfig csram{35 * 1024 * 1024, 32, 64, 256, 8};
  DmaConfig dma{1024, 64, 262144, 16};
  std::int64_t dma_queues = 20;  // independent cluster DMA queues sharing the DMA port
  std::int64_t semaphores = 64;  // hardware semaphores per cluster
};

struct HbmTimingConfig {  // ns
  double tCL = 12.6, tCWL = 6.1, tRCD_rd = 19.6, tRCD_wr = 9.6, tRP = 16.1, tRAS = 28.3, tRC = 45.2,
         tWR = 20.4, tRTP = 5.7, tCCD_S = 0.87, tCCD_L = 2.6, tRRD_S = 2.6, tRRD_L = 3.0,
         tFAW = 15.2, tWTR_S = 4.35, tWTR_L = 6.1, tRTW = 12.6, tREFI = 3900, tRFC = 550,
         tRFCpb = 200;
};

struct HbmConfig {
  std::int64_t stacks = 6;
  std::int64_t channels_per_stack = 16;
  std::int64_t pseudo_channels = 2;  // per channel
  std::int64_t sids = 3;             // stack IDs (12-high = 3 x 4-high)
  std::int64_t bank_groups = 4;      // per SID
  std::int64_t banks_per_group = 4;
  std::int64_t rows_per_bank = 24576;
  std::int64_t row_bytes = 1024;
  std::int64_t burst_bytes = 32;  // BL8 on a 32-bit pseudo-channel
  double pin_rate_gbps = 9.114;
  std::int64_t interleave_bytes = 256;
  std::string address_mapping = "stack,pseudo_channel,channel,bank_group,bank,sid,column,row";
  std::string address_hash = "xor";  // "none" or "xor" (maia/hw/hbm/hbm_address_map.hpp)
  std::string refresh_mode = "per_bank";
  double controller_latency_ns = 20;
  // Per pseudo-channel controller (maia/hw/hbm/hbm_scheduler.hpp): the scheduling policy by
  // name, how many pending interleave units it chooses from, and fr-fcfs-cap's streak limit.
  std::string scheduler = "fcfs";
  std::int64_t queue_depth = 32;
  std::int64_t row_hit_cap = 4;
  HbmTimingConfig timing;
};

// The GNOC: a 2D mesh of routers with dimension-order (XY) routing (the only topology modelled;
// docs/modules.md, "GNOC").
struct GnocConfig {
  double clock_ghz = 2.0;
  std::int64_t mesh_cols = 3;
  std::int64_t mesh_rows = 4;
  std::int64_t data_link_bytes_per_cycle = 1024;
  std::int64_t control_link_bytes_per_cycle = 32;
  std::int64_t router_latency_cycles = 4;
  std::int64_t link_latency_cycles = 1;
  std::int64_t control_message_bytes = 16;
  std::vector<std::int64_t> cluster_routers = {3, 5, 6, 8};
  std::vector<std::int64_t> hbm_routers = {0, 1, 2, 9, 10, 11};
  std::int64_t pcie_router = 7;
  std::int64_t nic_router = 4;
};

struct PcieConfig {
  std::int64_t lanes = 8;
  double gtps_per_lane = 64;            // Gen6
  double encoding_efficiency = 0.9453;  // 242/256 FLIT payload
  std::int64_t max_payload_bytes = 256;
  std::int64_t tlp_overhead_bytes = 24;
  double latency_ns = 600;
  double host_memory_gbps = 200;
  std::int64_t command_processing_cycles = 1000;  // SoC control processor, per host command
};

struct NicConfig {
  std::int64_t ports = 28;
  double port_gbps = 400;
  std::vector<std::int64_t> tray_links = {6, 7, 7};  // ports wired to each tray peer
  std::int64_t scaleout_ports = 8;
  double latency_ns = 900;
  std::int64_t dma_chunk_bytes = 16384;  // NIC DMA transfer granularity (one port at a time)
};

// Choices of the kernel library (software, not hardware), read by the kernels' builders.
struct KernelOptions {
  // Precision of the attention scores S = Q K^T and of the softmax's exponentials: "bf16" or
  // "fp32" (the running max and sum and the rescale of O are FP32 either way).
  std::string attention_scores = "bf16";
};

// Energy per event and idle power per block: the knobs of the activity-based energy model
// (maia/report/energy_model.hpp, docs/power.md). Dynamic energies are per event; HBM and link
// energies per bit include the I/O at both ends.
struct EnergyConfig {
  double ttu_mac_fp4_pj = 0.06;  // per MAC at the precision the TTU ran
  double ttu_mac_fp8_pj = 0.11;
  double ttu_mac_bf16_pj = 0.30;
  double tvp_op_pj = 0.30;  // per vector element operation (FLOP), register file included
  double tsram_read_pj_per_byte = 1.0, tsram_write_pj_per_byte = 1.2;
  double csram_read_pj_per_byte = 2.0, csram_write_pj_per_byte = 2.4;
  double gnoc_pj_per_byte_hop = 1.5;  // one router plus one link, per byte
  double hbm_activate_pj = 900;       // one ACT and its precharge
  double hbm_read_pj_per_bit = 3.0, hbm_write_pj_per_bit = 3.2;
  double hbm_refresh_pj = 25000;  // one refresh command of a pseudo channel
  double nic_pj_per_bit = 8.0;
  double pcie_pj_per_bit = 6.0;
  // Idle (leakage, clock tree, PHYs with links up) power per block, W.
  double static_tiles_w = 70, static_sram_w = 20, static_gnoc_w = 10, static_hbm_w = 30,
         static_nic_w = 25, static_pcie_w = 5, static_uncore_w = 20;
  double static_w() const {
    return static_tiles_w + static_sram_w + static_gnoc_w + static_hbm_w + static_nic_w +
           static_pcie_w + static_uncore_w;
  }
};

// Total cost of ownership of one chip, for tokens per dollar when no rental price is given:
// capital amortised linearly over the lifetime, plus the energy the run used at the facility's
// PUE and electricity price.
struct CostConfig {
  double capital_usd = 20000;  // the chip's share of the server (board, host, network)
  double lifetime_years = 4;   // depreciation period
  double energy_usd_per_kwh = 0.08;
  double pue = 1.2;  // facility power usage effectiveness
};

struct ChipConfig {
  std::string name = "maia200";
  double clock_ghz = 2.0;
  // SoC thermal design power: the full-load power the energy model is checked against
  // (docs/power.md); never below the idle power of energy.static_*.
  double tdp_w = 750.0;
  std::int64_t clusters = 4;
  std::int64_t tiles_per_cluster = 10;
  std::int64_t enabled_tiles_per_cluster = 9;
  TileConfig tile;
  ClusterConfig cluster;
  HbmConfig hbm;
  GnocConfig gnoc;
  PcieConfig pcie;
  NicConfig nic;
  KernelOptions kernels;
  EnergyConfig energy;
  CostConfig cost;

  std::int64_t enabled_tiles() const { return clusters * enabled_tiles_per_cluster; }
};

}  // namespace maia
