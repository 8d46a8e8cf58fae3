// The knob table: every field of ChipConfig with its unit, valid range, provenance and meaning.
// Defaults are the in-class initialisers of chip_config.hpp (the Maia 200 values). HBM and PCIe
// knobs come from the tables shared with the GPU kind (shared_knobs.hpp).
#include "maia/config/knob.hpp"

#include <fmt/format.h>

#include "knob_builders.hpp"
#include "shared_knobs.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
using P = Provenance;

template <typename T>
using Field = knob_builders::Field<ChipConfig, T>;

template <typename T>
Knob field_knob(KnobType type, std::string path, std::string unit, double min, double max,
                std::vector<std::string> choices, P src, std::string desc, std::string note,
                Field<T> f) {
  return knob_builders::field_knob<ChipConfig, T>(type, std::move(path), std::move(unit), min, max,
                                                  std::move(choices), src, std::move(desc),
                                                  std::move(note), f);
}

Knob int_knob(std::string path, std::string unit, double min, double max, P src, std::string desc,
              std::string note, Field<std::int64_t> f) {
  return field_knob(KnobType::kInt, std::move(path), std::move(unit), min, max, {}, src,
                    std::move(desc), std::move(note), f);
}

Knob real_knob(std::string path, std::string unit, double min, double max, P src, std::string desc,
               std::string note, Field<double> f) {
  return field_knob(KnobType::kDouble, std::move(path), std::move(unit), min, max, {}, src,
                    std::move(desc), std::move(note), f);
}

Knob string_knob(std::string path, std::vector<std::string> choices, P src, std::string desc,
                 std::string note, Field<std::string> f) {
  return field_knob(KnobType::kString, std::move(path), "", 0, 0, std::move(choices), src,
                    std::move(desc), std::move(note), f);
}

Knob list_knob(std::string path, std::string unit, double min, double max, P src, std::string desc,
               std::string note, Field<std::vector<std::int64_t>> f) {
  return field_knob(KnobType::kIntList, std::move(path), std::move(unit), min, max, {}, src,
                    std::move(desc), std::move(note), f);
}

void add_sram_knobs(std::vector<Knob>& k, const std::string& p, Field<SramConfig> f, P cap_src,
                    const std::string& cap_note, const std::string& what) {
  // Both SRAM tiers share these knobs: `f` selects the tier, the member pointer the field.
  auto member = [&](std::string name, std::string unit, double min, double max, P src,
                    std::string desc, std::string note, std::int64_t SramConfig::*m) {
    Knob knob = int_knob(p + "." + name, std::move(unit), min, max, src, std::move(desc),
                         std::move(note), nullptr);
    knob.get = [f, m](const ChipConfig& c) { return Json(f(const_cast<ChipConfig&>(c)).*m); };
    knob.set = [f, m](ChipConfig& c, const Json& v) { f(c).*m = v.get<std::int64_t>(); };
    k.push_back(std::move(knob));
  };
  member("bytes", "B", 1024, 1e12, cap_src, what + " capacity", cap_note, &SramConfig::bytes);
  member("banks", "count", 1, 1024, P::kAssumption, what + " banks (independent ports)",
         "multi-banked (O2); count not public. Chosen with bank_width_bytes so that 36 TSRAMs "
         "(14 x 64 B) + 4 CSRAMs (32 x 64 B) give 80.9 TB/s at 2 GHz, the public 80 TB/s "
         "aggregate (O2), with each CSRAM able to take its cluster's share of HBM bandwidth in "
         "and out at once",
         &SramConfig::banks);
  member("bank_width_bytes", "B/cycle", 1, 4096, P::kAssumption,
         what + " bytes one bank reads or writes per chip cycle", "see banks",
         &SramConfig::bank_width_bytes);
  member("interleave_bytes", "B", 1, 1 << 20, P::kAssumption,
         what + " consecutive bytes mapped to one bank before moving to the next", "typical",
         &SramConfig::interleave_bytes);
  member("latency_cycles", "cycles", 0, 1e6, P::kAssumption, what + " access pipeline latency",
         "typical SRAM macro + crossbar", &SramConfig::latency_cycles);
}

void add_dma_knobs(std::vector<Knob>& k, const std::string& p, Field<DmaConfig> f,
                   const std::string& what) {
  auto member = [&](std::string name, std::string unit, double min, double max, std::string desc,
                    std::string note, std::int64_t DmaConfig::*m) {
    Knob knob = int_knob(p + "." + name, std::move(unit), min, max, P::kAssumption, std::move(desc),
                         std::move(note), nullptr);
    knob.get = [f, m](const ChipConfig& c) { return Json(f(const_cast<ChipConfig&>(c)).*m); };
    knob.set = [f, m](ChipConfig& c, const Json& v) { f(c).*m = v.get<std::int64_t>(); };
    k.push_back(std::move(knob));
  };
  member("bytes_per_cycle", "B/cycle", 1, 1 << 16, what + " port width per chip cycle",
         "sized to keep the engines streaming; not public", &DmaConfig::bytes_per_cycle);
  member("setup_cycles", "cycles", 0, 1e6, what + " descriptor fetch/decode per instruction",
         "typical", &DmaConfig::setup_cycles);
  member("chunk_bytes", "B", 32, 1 << 30, what + " transfer granularity on shared resources",
         "modelling granularity: smaller is finer-grained contention, slower simulation",
         &DmaConfig::chunk_bytes);
  member("max_outstanding", "chunks", 1, 4096, what + " chunks in flight at once", "typical",
         &DmaConfig::max_outstanding);
}

std::vector<Knob> build_knobs() {
  std::vector<Knob> k;
  // ---- chip
  k.push_back(real_knob("clock_ghz", "GHz", 0.1, 10, P::kSecondHand, "chip (tile) clock",
                        "2.0 GHz nominal; 2.15 reproduces the headline peaks exactly (I)",
                        [](ChipConfig& c) -> double& { return c.clock_ghz; }));
  k.push_back(real_knob("tdp_w", "W", 1, 10000, P::kOfficial,
                        "SoC thermal design power (the energy model's full-load check; must "
                        "not be below the idle power energy.static_*)",
                        "750 W SoC TDP", [](ChipConfig& c) -> double& { return c.tdp_w; }));
  k.push_back(int_knob("clusters", "count", 1, 256, P::kSecondHand, "compute clusters per chip",
                       "4 clusters", [](ChipConfig& c) -> std::int64_t& { return c.clusters; }));
  k.push_back(int_knob("tiles_per_cluster", "count", 1, 256, P::kSecondHand,
                       "physical tiles per cluster (counted in SRAM capacity)", "10 physical",
                       [](ChipConfig& c) -> std::int64_t& { return c.tiles_per_cluster; }));
  k.push_back(int_knob("enabled_tiles_per_cluster", "count", 1, 256, P::kSecondHand,
                       "tiles enabled per cluster (the rest are spares)", "9 enabled, 1 spare",
                       [](ChipConfig& c) -> std::int64_t& { return c.enabled_tiles_per_cluster; }));
  // ---- TTU
  k.push_back(int_knob("tile.ttu.tile_m", "rows", 1, 4096, P::kSecondHand,
                       "rows of one TTU operand tile (M)", "32 x K x 32 operand tiles",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.ttu.tile_m; }));
  k.push_back(int_knob("tile.ttu.tile_n", "cols", 1, 4096, P::kSecondHand,
                       "columns of one TTU operand tile (N)", "32 x K x 32 operand tiles",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.ttu.tile_n; }));
  k.push_back(
      int_knob("tile.ttu.macs_per_cycle_fp4", "MAC/cycle", 1, 1e7, P::kSecondHand,
               "TTU MACs per cycle per tile, FP4 (MXFP4)", "65,536",
               [](ChipConfig& c) -> std::int64_t& { return c.tile.ttu.macs_per_cycle_fp4; }));
  k.push_back(
      int_knob("tile.ttu.macs_per_cycle_fp8", "MAC/cycle", 1, 1e7, P::kSecondHand,
               "TTU MACs per cycle per tile, FP8", "32,768",
               [](ChipConfig& c) -> std::int64_t& { return c.tile.ttu.macs_per_cycle_fp8; }));
  k.push_back(
      int_knob("tile.ttu.macs_per_cycle_bf16", "MAC/cycle", 1, 1e7, P::kSecondHand,
               "TTU MACs per cycle per tile, BF16/FP16", "8,192",
               [](ChipConfig& c) -> std::int64_t& { return c.tile.ttu.macs_per_cycle_bf16; }));
  k.push_back(int_knob("tile.ttu.pipeline_cycles", "cycles", 0, 1e6, P::kAssumption,
                       "TTU fill + drain per macro-instruction", "typical systolic depth",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.ttu.pipeline_cycles; }));
  // ---- TVP
  k.push_back(int_knob("tile.tvp.lanes_16bit", "lanes", 1, 65536, P::kSecondHand,
                       "TVP SIMD lanes for <=16-bit types", "256",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.tvp.lanes_16bit; }));
  k.push_back(int_knob("tile.tvp.lanes_fp32", "lanes", 1, 65536, P::kSecondHand,
                       "TVP SIMD lanes for FP32", "128",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.tvp.lanes_fp32; }));
  k.push_back(int_knob("tile.tvp.pipes", "FMA/lane/cycle", 1, 64, P::kInferred,
                       "TVP FMA pipes per lane (2 FLOP each)",
                       "3.07 TFLOPS/tile at 2 GHz with 256 lanes implies 6 FLOP/lane/cycle",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.tvp.pipes; }));
  k.push_back(int_knob("tile.tvp.pipeline_cycles", "cycles", 0, 1e6, P::kAssumption,
                       "TVP fill + drain per macro-instruction", "typical",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.tvp.pipeline_cycles; }));
  // ---- TSRAM, tile DMA, TCP
  add_sram_knobs(
      k, "tile.tsram", [](ChipConfig& c) -> SramConfig& { return c.tile.tsram; }, P::kSecondHand,
      "3 MiB per tile", "TSRAM");
  add_dma_knobs(
      k, "tile.dma", [](ChipConfig& c) -> DmaConfig& { return c.tile.dma; },
      "tile DMA (TSRAM <-> CSRAM)");
  k.push_back(int_knob("tile.tcp_dispatch_cycles", "cycles", 0, 1e6, P::kAssumption,
                       "TCP cycles to issue one macro-instruction to an engine queue", "typical",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.tcp_dispatch_cycles; }));
  k.push_back(int_knob("tile.semaphores", "count", 1, 65536, P::kAssumption,
                       "hardware semaphores per tile", "count not public",
                       [](ChipConfig& c) -> std::int64_t& { return c.tile.semaphores; }));
  // ---- cluster
  add_sram_knobs(
      k, "cluster.csram", [](ChipConfig& c) -> SramConfig& { return c.cluster.csram; },
      P::kSecondHand, "35 MiB per cluster; 40x3 MiB + 4x35 MiB = 272.6 MB (I)", "CSRAM");
  add_dma_knobs(
      k, "cluster.dma", [](ChipConfig& c) -> DmaConfig& { return c.cluster.dma; },
      "cluster DMA (HBM <-> CSRAM, CSRAM -> tiles multicast)");
  k.push_back(int_knob(
      "cluster.dma_queues", "queues", 1, 64, P::kAssumption,
      "independent in-order cluster DMA queues (channels) sharing the DMA port",
      "multi-channel DMA (O2); channel count not public: two per enabled tile, so streaming "
      "kernels give every tile its own load and store queue, plus two (weight "
      "prefetch for the next operator uses the last)",
      [](ChipConfig& c) -> std::int64_t& { return c.cluster.dma_queues; }));
  k.push_back(int_knob("cluster.semaphores", "count", 1, 65536, P::kAssumption,
                       "hardware semaphores per cluster control processor", "count not public",
                       [](ChipConfig& c) -> std::int64_t& { return c.cluster.semaphores; }));
  // ---- HBM (definitions shared with the GPU kind)
  knob_builders::add_lifted<ChipConfig, HbmConfig>(
      k, hbm_knobs(), "hbm", [](ChipConfig& c) -> HbmConfig& { return c.hbm; });
  // ---- GNOC
  k.push_back(real_knob("gnoc.clock_ghz", "GHz", 0.1, 10, P::kAssumption, "GNOC clock",
                        "same as the tiles",
                        [](ChipConfig& c) -> double& { return c.gnoc.clock_ghz; }));
  auto noc_int = [&](std::string name, std::string unit, double min, double max, std::string desc,
                     Field<std::int64_t> f) {
    k.push_back(int_knob("gnoc." + name, std::move(unit), min, max, P::kAssumption, std::move(desc),
                         "not public", f));
  };
  noc_int("mesh_cols", "routers", 1, 64, "routers per mesh row",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.mesh_cols; });
  noc_int("mesh_rows", "routers", 1, 64, "routers per mesh column",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.mesh_rows; });
  noc_int("data_link_bytes_per_cycle", "B/cycle", 1, 1 << 16,
          "data-plane link width per direction (bulk tensor traffic)",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.data_link_bytes_per_cycle; });
  noc_int("control_link_bytes_per_cycle", "B/cycle", 1, 1 << 16,
          "control-plane link width per direction (semaphores, commands; separate wires)",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.control_link_bytes_per_cycle; });
  noc_int("router_latency_cycles", "cycles", 0, 1000, "pipeline latency of one router",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.router_latency_cycles; });
  noc_int("link_latency_cycles", "cycles", 0, 1000, "wire latency of one link",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.link_latency_cycles; });
  noc_int("control_message_bytes", "B", 1, 4096, "size of one control-plane message",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.control_message_bytes; });
  k.push_back(list_knob(
      "gnoc.cluster_routers", "router id", 0, 4095, P::kAssumption,
      "router (y * mesh_cols + x) of each cluster, one per cluster",
      "clusters in the middle rows, next to the HBM edges",
      [](ChipConfig& c) -> std::vector<std::int64_t>& { return c.gnoc.cluster_routers; }));
  k.push_back(list_knob(
      "gnoc.hbm_routers", "router id", 0, 4095, P::kAssumption,
      "router of each HBM stack controller, one per stack", "3 stacks on each long edge of the die",
      [](ChipConfig& c) -> std::vector<std::int64_t>& { return c.gnoc.hbm_routers; }));
  noc_int("pcie_router", "router id", 0, 4095, "router of the PCIe host interface",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.pcie_router; });
  noc_int("nic_router", "router id", 0, 4095, "router of the NIC",
          [](ChipConfig& c) -> std::int64_t& { return c.gnoc.nic_router; });
  // ---- PCIe host interface (definitions shared with the GPU kind)
  knob_builders::add_lifted<ChipConfig, PcieConfig>(
      k, pcie_knobs(), "pcie", [](ChipConfig& c) -> PcieConfig& { return c.pcie; });
  // ---- NIC
  k.push_back(int_knob("nic.ports", "ports", 0, 1024, P::kSecondHand, "Ethernet ports", "28",
                       [](ChipConfig& c) -> std::int64_t& { return c.nic.ports; }));
  k.push_back(real_knob("nic.port_gbps", "Gb/s", 1, 1e5, P::kSecondHand,
                        "line rate per port per direction", "400 GbE",
                        [](ChipConfig& c) -> double& { return c.nic.port_gbps; }));
  k.push_back(
      list_knob("nic.tray_links", "ports", 0, 1024, P::kInferred,
                "ports wired directly to each tray peer (one entry per peer)",
                "20 of 28 ports to 3 peers: 6/7/7",
                [](ChipConfig& c) -> std::vector<std::int64_t>& { return c.nic.tray_links; }));
  k.push_back(int_knob("nic.scaleout_ports", "ports", 0, 1024, P::kSecondHand,
                       "ports to the switched scale-out network", "4 planes x 2 x 400G",
                       [](ChipConfig& c) -> std::int64_t& { return c.nic.scaleout_ports; }));
  k.push_back(real_knob("nic.latency_ns", "ns", 0, 1e6, P::kSecondHand,
                        "one-way memory-to-memory latency to a tray peer", "< 1 us",
                        [](ChipConfig& c) -> double& { return c.nic.latency_ns; }));
  k.push_back(int_knob("nic.dma_chunk_bytes", "B", 64, 1 << 30, P::kAssumption,
                       "NIC DMA transfer granularity: each chunk goes out on one tray port",
                       "4 RoCE MTUs of 4 KiB",
                       [](ChipConfig& c) -> std::int64_t& { return c.nic.dma_chunk_bytes; }));
  // ---- energy model and cost of ownership (energy_knobs.cpp)
  knob_builders::add_lifted<ChipConfig, EnergyConfig>(
      k, energy_knobs(), "energy", [](ChipConfig& c) -> EnergyConfig& { return c.energy; });
  knob_builders::add_lifted<ChipConfig, CostConfig>(
      k, cost_knobs(), "cost", [](ChipConfig& c) -> CostConfig& { return c.cost; });
  // ---- kernel library choices
  k.push_back(string_knob(
      "kernels.attention_scores", {"bf16", "fp32"}, P::kAssumption,
      "precision of attention scores (S = Q K^T) and of the softmax exponentials; the running "
      "max and sum and the per-block rescale of O are FP32 either way",
      "FlashAttention-style kernels keep S in FP32 accumulators; bf16 halves the S traffic and "
      "runs the exponentials on the 16-bit lanes",
      [](ChipConfig& c) -> std::string& { return c.kernels.attention_scores; }));
  return k;
}

}  // namespace

const std::vector<Knob>& chip_knobs() {
  static const std::vector<Knob> knobs = build_knobs();
  return knobs;
}

const Knob* find_knob(const std::string& path) {
  for (const auto& k : chip_knobs())
    if (k.path == path) return &k;
  return nullptr;
}

std::string_view knob_type_name(KnobType t) {
  switch (t) {
    case KnobType::kInt:
      return "int";
    case KnobType::kDouble:
      return "number";
    case KnobType::kString:
      return "string";
    case KnobType::kIntList:
      return "int list";
  }
  return "?";
}

std::string knob_range_text(const KnobInfo& k) {
  if (k.type == KnobType::kString) {
    if (k.choices.empty()) return "see description";
    std::string s = "one of:";
    for (const auto& c : k.choices) s += " " + c;
    return s;
  }
  return fmt::format("{:g} .. {:g}", k.min, k.max);
}

}  // namespace maia
