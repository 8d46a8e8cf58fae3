// The gpu knob table. Sources here are the kind of source the values usually rest on; each GPU
// config file states the provenance of its own values ("provenance" object, config --provenance).
#include "maia/config/gpu_knobs.hpp"

#include <map>
#include <utility>

#include "knob_builders.hpp"
#include "shared_knobs.hpp"

namespace maia {
namespace {

using namespace knob_builders;
using G = GpuConfig;

// Where a shared (HBM, PCIe) knob's Maia source or meaning is specific to Maia 200.
struct GpuSide {
  P source;
  std::string note;
  std::string description;  // empty: the shared description holds
};

const std::map<std::string, GpuSide>& gpu_sides() {
  static const std::map<std::string, GpuSide> sides = {
      {"hbm.stacks", {P::kOfficial, "active stacks of the part (datasheet)", "active HBM stacks"}},
      {"hbm.channels_per_stack",
       {P::kStandard, "JESD238 HBM3/3e: 16 x 64 bit; HBM2e: 8 x 128 bit", ""}},
      {"hbm.pseudo_channels",
       {P::kStandard, "2 per channel (HBM2e pseudo-channel mode, HBM3)", ""}},
      {"hbm.sids",
       {P::kInferred, "stack height / 4 (8-high: 2, 12-high: 3)",
        "stack IDs per pseudo-channel (height / 4)"}},
      {"hbm.rows_per_bank",
       {P::kInferred, "published capacity / (stacks x PCs x banks x row bytes)", ""}},
      {"hbm.burst_bytes",
       {P::kStandard, "32 B: BL8 x 32 bit (HBM3) or BL4 x 64 bit (HBM2e)",
        "bytes per column access of one pseudo-channel"}},
      {"hbm.pin_rate_gbps",
       {P::kInferred, "published bandwidth x 8 / (stacks x 1024 pins)",
        "data rate per DQ pin; with 1024 DQ per stack sets the peak bandwidth"}},
      {"pcie.lanes", {P::kOfficial, "x16 host link (datasheet)", ""}},
      {"pcie.gtps_per_lane", {P::kStandard, "Gen4: 16, Gen5: 32, Gen6: 64 GT/s", ""}},
      {"pcie.encoding_efficiency", {P::kStandard, "128b/130b up to Gen5; Gen6 FLIT 242/256", ""}},
      {"pcie.command_processing_cycles",
       {P::kAssumption, "driver + front-end path; calibrated with the launch gaps",
        "GPU front-end cycles to decode a host command and launch it"}},
  };
  return sides;
}

template <typename S>
void add_shared(std::vector<GpuKnob>& k, const std::vector<KnobOf<S>>& table,
                const std::string& prefix, Field<G, S> sub) {
  for (const auto& shared : table) {
    GpuKnob knob = lift(shared, prefix, sub);
    if (knob.path.rfind("hbm.timing.", 0) == 0)
      knob.source_note = "Ramulator 2.1 HBM3 preset nearest the part's pin rate (ns; per file)";
    const auto side = gpu_sides().find(knob.path);
    if (side != gpu_sides().end()) {
      knob.source = side->second.source;
      knob.source_note = side->second.note;
      if (!side->second.description.empty()) knob.description = side->second.description;
    }
    k.push_back(std::move(knob));
  }
}

std::vector<GpuKnob> build() {
  std::vector<GpuKnob> k;
  const std::string cal = "fitted by maia-sim calibrate; files hold a plausible start value (A)";
  // ---- chip
  k.push_back(real_knob<G>("clock_ghz", "GHz", 0.1, 10, P::kInferred,
                           "sustained tensor clock: SMs x MAC/cycle x 2 x clock = dense peak",
                           "published dense peak / (SMs x MAC/cycle x 2)",
                           [](G& c) -> double& { return c.clock_ghz; }));
  k.push_back(real_knob<G>(
      "tdp_w", "W", 1, 10000, P::kOfficial,
      "board power (the energy model's full-load check; must not be below energy.static_w)",
      "datasheet", [](G& c) -> double& { return c.tdp_w; }));
  k.push_back(string_knob<G>("memory_type", {"HBM2e", "HBM3", "HBM3e"}, P::kOfficial,
                             "HBM generation (for summaries and reports)", "datasheet",
                             [](G& c) -> std::string& { return c.memory_type; }));
  // ---- SM (NVIDIA SM, AMD CU)
  auto sm_int = [&](std::string name, std::string unit, double min, double max, P src,
                    std::string desc, std::string note, Field<G, std::int64_t> f) {
    k.push_back(int_knob<G>("sm." + name, std::move(unit), min, max, src, std::move(desc),
                            std::move(note), f));
  };
  sm_int("count", "SMs", 1, 4096, P::kOfficial, "streaming multiprocessors (AMD: compute units)",
         "whitepaper", [](G& c) -> std::int64_t& { return c.sm.count; });
  sm_int("tensor_cores", "per SM", 1, 64, P::kOfficial, "tensor (matrix) cores per SM",
         "whitepaper", [](G& c) -> std::int64_t& { return c.sm.tensor_cores; });
  sm_int("macs_per_cycle_fp16", "MAC/cycle", 1, 1e6, P::kInferred,
         "dense FP16/BF16 tensor multiply-accumulates per clock per SM",
         "whitepaper per-tensor-core rate x tensor cores; reproduces the dense BF16 peak",
         [](G& c) -> std::int64_t& { return c.sm.macs_per_cycle_fp16; });
  sm_int("macs_per_cycle_fp8", "MAC/cycle", 0, 1e6, P::kInferred,
         "dense FP8 tensor MACs per clock per SM (0: no FP8; runs at FP16)",
         "reproduces the dense FP8 peak",
         [](G& c) -> std::int64_t& { return c.sm.macs_per_cycle_fp8; });
  sm_int("macs_per_cycle_fp4", "MAC/cycle", 0, 1e6, P::kInferred,
         "dense FP4 tensor MACs per clock per SM (0: no FP4; runs at FP8)",
         "reproduces the dense FP4 peak",
         [](G& c) -> std::int64_t& { return c.sm.macs_per_cycle_fp4; });
  sm_int("fp32_lanes", "FMA/cycle", 1, 65536, P::kOfficial,
         "FP32 FMA lanes per SM (CUDA cores; vector ALUs)", "whitepaper",
         [](G& c) -> std::int64_t& { return c.sm.fp32_lanes; });
  sm_int("sfu_per_cycle", "op/cycle", 1, 65536, P::kOfficial,
         "special-function results (exp, rsqrt) per clock per SM", "whitepaper (SFUs per SM)",
         [](G& c) -> std::int64_t& { return c.sm.sfu_per_cycle; });
  sm_int("register_file_bytes", "B", 1024, 1 << 30, P::kOfficial, "register file per SM",
         "whitepaper", [](G& c) -> std::int64_t& { return c.sm.register_file_bytes; });
  sm_int("shared_memory_bytes", "B", 1024, 1 << 30, P::kOfficial,
         "shared memory (AMD: LDS) usable by one SM's CTAs", "whitepaper / programming guide",
         [](G& c) -> std::int64_t& { return c.sm.shared_memory_bytes; });
  sm_int("shared_memory_bytes_per_cycle", "B/cycle", 1, 65536, P::kInferred,
         "shared-memory bandwidth per SM per clock", "32 banks x 4 B on NVIDIA",
         [](G& c) -> std::int64_t& { return c.sm.shared_memory_bytes_per_cycle; });
  sm_int("max_ctas", "CTAs", 1, 1024, P::kOfficial, "resident CTAs (thread blocks) per SM",
         "programming guide", [](G& c) -> std::int64_t& { return c.sm.max_ctas; });
  sm_int("l2_port_bytes_per_cycle", "B/cycle", 1, 4096, P::kAssumption,
         "crossbar port into one SM: bytes per chip clock it loads from or stores to L2", "typical",
         [](G& c) -> std::int64_t& { return c.sm.l2_port_bytes_per_cycle; });
  // ---- L2 (last-level cache shared by all SMs)
  k.push_back(int_knob<G>("l2.bytes", "B", 1024, 1e12, P::kOfficial,
                          "last-level cache capacity shared by all SMs", "whitepaper",
                          [](G& c) -> std::int64_t& { return c.l2.bytes; }));
  k.push_back(int_knob<G>("l2.partitions", "count", 1, 256, P::kOfficial,
                          "cache partitions (an SM reaches the far ones through the crossbar)",
                          "whitepaper", [](G& c) -> std::int64_t& { return c.l2.partitions; }));
  k.push_back(int_knob<G>("l2.bytes_per_cycle", "B/cycle", 1, 1 << 20, P::kInferred,
                          "whole-cache read bandwidth per chip clock", "whitepaper or measured",
                          [](G& c) -> std::int64_t& { return c.l2.bytes_per_cycle; }));
  k.push_back(int_knob<G>("l2.latency_cycles", "cycles", 1, 1e5, P::kAssumption,
                          "load-to-use latency of a hit from an SM",
                          "published microbenchmarks; not in datasheets",
                          [](G& c) -> std::int64_t& { return c.l2.latency_cycles; }));
  // ---- scale-up links
  k.push_back(int_knob<G>("nvlink.links", "links", 0, 1024, P::kOfficial,
                          "NVLink (AMD: Infinity Fabric) links into the scale-up domain",
                          "whitepaper", [](G& c) -> std::int64_t& { return c.nvlink.links; }));
  k.push_back(real_knob<G>("nvlink.gbps_per_link", "GB/s", 0.1, 1e5, P::kOfficial,
                           "bandwidth per link per direction",
                           "published aggregate / links / 2 directions",
                           [](G& c) -> double& { return c.nvlink.gbps_per_link; }));
  k.push_back(real_knob<G>("nvlink.latency_ns", "ns", 0, 1e6, P::kAssumption,
                           "one-way memory-to-memory latency through the switch", "typical",
                           [](G& c) -> double& { return c.nvlink.latency_ns; }));
  k.push_back(int_knob<G>("nvlink.domain_gpus", "GPUs", 1, 1024, P::kOfficial,
                          "GPUs one switch domain joins (the largest tensor-parallel group)",
                          "the server's GPU count",
                          [](G& c) -> std::int64_t& { return c.nvlink.domain_gpus; }));
  // ---- HBM, PCIe: the definitions Maia uses
  add_shared<HbmConfig>(k, hbm_knobs(), "hbm", [](G& c) -> HbmConfig& { return c.hbm; });
  add_shared<PcieConfig>(k, pcie_knobs(), "pcie", [](G& c) -> PcieConfig& { return c.pcie; });
  // ---- kernel library and serving engine (calibrated)
  auto kern_real = [&](std::string name, std::string unit, double min, double max, std::string desc,
                       Field<G, double> f) {
    k.push_back(
        real_knob<G>("kernel." + name, std::move(unit), min, max, P::kCalibrated, desc, cal, f));
  };
  kern_real("launch_gap_ns", "ns", 0, 1e7, "gap between dependent kernels launched one by one",
            [](G& c) -> double& { return c.kernel.launch_gap_ns; });
  kern_real("graph_launch_gap_ns", "ns", 0, 1e7, "gap between kernels of one captured graph",
            [](G& c) -> double& { return c.kernel.graph_launch_gap_ns; });
  k.push_back(int_knob<G>("kernel.cuda_graphs", "flag", 0, 1, P::kAssumption,
                          "1: decode iterations replay a captured graph (graph_launch_gap_ns)",
                          "serving engines capture decode graphs by default",
                          [](G& c) -> std::int64_t& { return c.kernel.cuda_graphs; }));
  kern_real("gemm_efficiency", "fraction", 0, 1,
            "achievable fraction of tensor peak in a GEMM main loop (0 excluded)",
            [](G& c) -> double& { return c.kernel.gemm_efficiency; });
  kern_real("attention_efficiency", "fraction", 0, 1,
            "achievable fraction of tensor peak in flash attention (0 excluded)",
            [](G& c) -> double& { return c.kernel.attention_efficiency; });
  kern_real("memory_efficiency", "fraction", 0, 1,
            "achievable fraction of HBM peak when streaming (0 excluded)",
            [](G& c) -> double& { return c.kernel.memory_efficiency; });
  kern_real("iteration_overhead_us", "us", 0, 1e7,
            "serving engine CPU time per scheduler iteration",
            [](G& c) -> double& { return c.kernel.iteration_overhead_us; });
  k.push_back(list_knob<G>("kernel.cta_tile_m", "rows", 1, 4096, P::kAssumption,
                           "GEMM CTA tile heights to choose from (multiples of 16)",
                           "CUTLASS-style tile shapes",
                           [](G& c) -> std::vector<std::int64_t>& { return c.kernel.cta_tile_m; }));
  k.push_back(list_knob<G>("kernel.cta_tile_n", "cols", 1, 4096, P::kAssumption,
                           "GEMM CTA tile widths to choose from (multiples of 16)",
                           "CUTLASS-style tile shapes",
                           [](G& c) -> std::vector<std::int64_t>& { return c.kernel.cta_tile_n; }));
  k.push_back(int_knob<G>("kernel.cta_tile_k", "elements", 1, 4096, P::kAssumption,
                          "GEMM main-loop K step (multiple of 16)", "CUTLASS-style",
                          [](G& c) -> std::int64_t& { return c.kernel.cta_tile_k; }));
  k.push_back(int_knob<G>("kernel.max_split_k", "splits", 1, 1024, P::kAssumption,
                          "largest split-K factor the GEMM heuristic may pick",
                          "typical library limit",
                          [](G& c) -> std::int64_t& { return c.kernel.max_split_k; }));
  // ---- energy model (docs/power.md); each file gives its part's values and their sources
  auto pj = [&](std::string name, std::string unit, double max, P src, std::string desc,
                std::string note, double GpuEnergyConfig::*m) {
    GpuKnob knob = real_knob<G>("energy." + name, std::move(unit), 0, max, src, std::move(desc),
                                std::move(note), nullptr);
    knob.get = [m](const G& c) { return Json(c.energy.*m); };
    knob.set = [m](G& c, const Json& v) { c.energy.*m = v.get<double>(); };
    k.push_back(std::move(knob));
  };
  const std::string node = "per-operation energies of the part's process node (see the file)";
  pj("mac_fp4_pj", "pJ/MAC", 100, P::kInferred, "tensor-core energy per MAC at FP4", node,
     &GpuEnergyConfig::mac_fp4_pj);
  pj("mac_fp8_pj", "pJ/MAC", 100, P::kInferred, "tensor-core energy per MAC at FP8", node,
     &GpuEnergyConfig::mac_fp8_pj);
  pj("mac_fp16_pj", "pJ/MAC", 100, P::kInferred,
     "tensor-core energy per MAC at FP16/BF16 (and wider)", node, &GpuEnergyConfig::mac_fp16_pj);
  pj("vector_op_pj", "pJ/op", 100, P::kInferred,
     "energy per FP32 lane or SFU operation, register file included", node,
     &GpuEnergyConfig::vector_op_pj);
  pj("l2_pj_per_byte", "pJ/B", 1000, P::kAssumption, "energy per byte through the L2 partitions",
     "large SRAM arrays, see the file", &GpuEnergyConfig::l2_pj_per_byte);
  pj("crossbar_pj_per_byte", "pJ/B", 1000, P::kAssumption, "energy per byte on the SM-L2 crossbar",
     "die-crossing wires, see the file", &GpuEnergyConfig::crossbar_pj_per_byte);
  pj("hbm_activate_pj", "pJ", 1e6, P::kSecondHand, "HBM energy of one ACT with its precharge",
     "~0.9 nJ (O'Connor et al., MICRO 2017)", &GpuEnergyConfig::hbm_activate_pj);
  pj("hbm_read_pj_per_bit", "pJ/bit", 100, P::kSecondHand,
     "HBM energy per bit read, both ends' I/O included", "by generation, see the file",
     &GpuEnergyConfig::hbm_read_pj_per_bit);
  pj("hbm_write_pj_per_bit", "pJ/bit", 100, P::kAssumption, "HBM energy per bit written",
     "read + ~7%", &GpuEnergyConfig::hbm_write_pj_per_bit);
  pj("hbm_refresh_pj", "pJ", 1e9, P::kAssumption,
     "HBM energy of one refresh command of a pseudo channel", "tRFC x refresh current",
     &GpuEnergyConfig::hbm_refresh_pj);
  pj("nvlink_pj_per_bit", "pJ/bit", 1000, P::kAssumption, "NVLink energy per bit sent",
     "high-speed SerDes, see the file", &GpuEnergyConfig::nvlink_pj_per_bit);
  pj("pcie_pj_per_bit", "pJ/bit", 1000, P::kAssumption, "PCIe energy per payload bit",
     "SerDes of the generation", &GpuEnergyConfig::pcie_pj_per_bit);
  pj("static_w", "W", 10000, P::kAssumption, "idle power of the whole board",
     "published idle figures where known, see the file", &GpuEnergyConfig::static_w);
  knob_builders::add_lifted<G, CostConfig>(k, cost_knobs(), "cost",
                                           [](G& c) -> CostConfig& { return c.cost; });
  k.push_back(int_knob<G>("kernel.gemm_pipeline_stages", "stages", 1, 64, P::kAssumption,
                          "k-slices of A and B a GEMM main loop keeps in shared memory (fewer "
                          "when they do not fit)",
                          "typical multistage GEMM",
                          [](G& c) -> std::int64_t& { return c.kernel.gemm_pipeline_stages; }));
  return k;
}

}  // namespace

const std::vector<GpuKnob>& gpu_knobs() {
  static const std::vector<GpuKnob> knobs = build();
  return knobs;
}

const GpuKnob* find_gpu_knob(const std::string& path) {
  for (const auto& k : gpu_knobs())
    if (k.path == path) return &k;
  return nullptr;
}

}  // namespace maia
