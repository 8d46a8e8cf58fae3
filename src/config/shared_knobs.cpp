// HBM and PCIe knobs, shared by the Maia and GPU knob tables (see shared_knobs.hpp).
#include "shared_knobs.hpp"

#include "knob_builders.hpp"

namespace maia {
namespace {

using namespace knob_builders;
using H = HbmConfig;
using X = PcieConfig;

std::vector<KnobOf<H>> build_hbm() {
  std::vector<KnobOf<H>> k;
  // ---- organisation
  k.push_back(int_knob<H>("stacks", "count", 1, 64, P::kOfficial, "HBM3e stacks",
                          "6 x 36 GB = 216 GB", [](H& h) -> std::int64_t& { return h.stacks; }));
  k.push_back(int_knob<H>("channels_per_stack", "count", 1, 64, P::kStandard,
                          "independent channels per stack", "JESD238: 16",
                          [](H& h) -> std::int64_t& { return h.channels_per_stack; }));
  k.push_back(int_knob<H>("pseudo_channels", "count", 1, 8, P::kStandard,
                          "pseudo-channels per channel", "JESD238: 2",
                          [](H& h) -> std::int64_t& { return h.pseudo_channels; }));
  k.push_back(int_knob<H>("sids", "count", 1, 16, P::kInferred,
                          "stack IDs per pseudo-channel (height / 4)",
                          "12-high stacks (36 GB of 24 Gb dies) -> 3 SIDs, 48 banks per PC",
                          [](H& h) -> std::int64_t& { return h.sids; }));
  k.push_back(int_knob<H>("bank_groups", "count", 1, 64, P::kStandard, "bank groups per SID",
                          "JESD238: 4", [](H& h) -> std::int64_t& { return h.bank_groups; }));
  k.push_back(int_knob<H>("banks_per_group", "count", 1, 64, P::kStandard, "banks per bank group",
                          "JESD238: 4", [](H& h) -> std::int64_t& { return h.banks_per_group; }));
  k.push_back(int_knob<H>("rows_per_bank", "count", 1, 1 << 24, P::kInferred, "rows per bank",
                          "36 GiB / (32 PCs x 48 banks x 1 KiB rows) = 24,576",
                          [](H& h) -> std::int64_t& { return h.rows_per_bank; }));
  k.push_back(int_knob<H>("row_bytes", "B", 32, 1 << 16, P::kStandard,
                          "row (page) size per pseudo-channel", "1 KiB",
                          [](H& h) -> std::int64_t& { return h.row_bytes; }));
  k.push_back(int_knob<H>("burst_bytes", "B", 1, 4096, P::kStandard,
                          "bytes per column access (BL8 x 32 bits)", "32 B",
                          [](H& h) -> std::int64_t& { return h.burst_bytes; }));
  k.push_back(real_knob<H>("pin_rate_gbps", "Gb/s/pin", 0.1, 100, P::kInferred,
                           "data rate per DQ pin; with 1024 DQ per stack sets the peak bandwidth",
                           "7 TB/s / 6 stacks / 1024 pins = 9.114 Gb/s",
                           [](H& h) -> double& { return h.pin_rate_gbps; }));
  k.push_back(int_knob<H>(
      "interleave_bytes", "B", 32, 1 << 20, P::kAssumption,
      "consecutive bytes kept in one pseudo-channel row before the address mapping moves on",
      "typical controller interleave", [](H& h) -> std::int64_t& { return h.interleave_bytes; }));
  k.push_back(string_knob<H>(
      "address_mapping", {}, P::kAssumption,
      "order of address fields above the interleave offset, least significant first; a "
      "permutation of stack,channel,pseudo_channel,sid,bank_group,bank,column,row",
      "spreads sequential traffic over stacks, PCs and bank groups first",
      [](H& h) -> std::string& { return h.address_mapping; }));
  k.push_back(string_knob<H>(
      "address_hash", {"none", "xor"}, P::kAssumption,
      "bank and channel hashing: xor mixes a hash of the row and SID into the stack, channel, "
      "pseudo-channel, bank-group and bank digits (a permutation per row; row locality kept)",
      "controllers hash bank and channel bits with row bits so that strided streams do not "
      "collide (permutation-based interleaving); the function itself is not public",
      [](H& h) -> std::string& { return h.address_hash; }));
  k.push_back(string_knob<H>("refresh_mode", {"per_bank", "all_bank"}, P::kStandard,
                             "refresh command used by the controller (REFpb or REFab)",
                             "HBM3 has both; per-bank hides most refresh time",
                             [](H& h) -> std::string& { return h.refresh_mode; }));
  k.push_back(real_knob<H>("controller_latency_ns", "ns", 0, 1e5, P::kAssumption,
                           "controller + PHY pipeline latency added to every access", "typical",
                           [](H& h) -> double& { return h.controller_latency_ns; }));
  k.push_back(string_knob<H>(
      "scheduler", {"fcfs", "fr-fcfs", "fr-fcfs-cap"}, P::kAssumption,
      "scheduling policy of each pseudo-channel controller (maia/hw/hbm/hbm_scheduler.hpp): "
      "fcfs in order; fr-fcfs row hits first; fr-fcfs-cap row hits first, at most row_hit_cap "
      "in a row ahead of an older request",
      "the controller's policy is not public; fcfs is the simulator's original in-order "
      "controller, FR-FCFS (Rixner et al., ISCA 2000) the common baseline of real controllers",
      [](H& h) -> std::string& { return h.scheduler; }));
  k.push_back(int_knob<H>(
      "queue_depth", "entries", 1, 512, P::kAssumption,
      "request-queue entries (interleave units) a pseudo-channel's scheduler chooses from",
      "controller IP lists 32-64 entries per channel; the value is not public",
      [](H& h) -> std::int64_t& { return h.queue_depth; }));
  k.push_back(int_knob<H>(
      "row_hit_cap", "count", 1, 1 << 20, P::kAssumption,
      "fr-fcfs-cap: row hits issued in a row ahead of an older request before the oldest goes",
      "a cap of 4 is the usual choice in the literature (Mutlu and Moscibroda, MICRO 2007)",
      [](H& h) -> std::int64_t& { return h.row_hit_cap; }));
  // ---- timings, all in ns
  struct TimingKnob {
    const char* name;
    const char* desc;
    double HbmTimingConfig::*m;
  };
  const TimingKnob timings[] = {
      {"tCL", "read latency (column command to first data)", &HbmTimingConfig::tCL},
      {"tCWL", "write latency", &HbmTimingConfig::tCWL},
      {"tRCD_rd", "activate to read", &HbmTimingConfig::tRCD_rd},
      {"tRCD_wr", "activate to write", &HbmTimingConfig::tRCD_wr},
      {"tRP", "precharge to activate", &HbmTimingConfig::tRP},
      {"tRAS", "activate to precharge", &HbmTimingConfig::tRAS},
      {"tRC", "activate to activate, same bank", &HbmTimingConfig::tRC},
      {"tWR", "write recovery (end of write data to precharge)", &HbmTimingConfig::tWR},
      {"tRTP", "read to precharge", &HbmTimingConfig::tRTP},
      {"tCCD_S", "column to column, different bank group", &HbmTimingConfig::tCCD_S},
      {"tCCD_L", "column to column, same bank group", &HbmTimingConfig::tCCD_L},
      {"tRRD_S", "activate to activate, different bank group", &HbmTimingConfig::tRRD_S},
      {"tRRD_L", "activate to activate, same bank group", &HbmTimingConfig::tRRD_L},
      {"tFAW", "window for at most four activates", &HbmTimingConfig::tFAW},
      {"tWTR_S", "end of write data to read, different bank group", &HbmTimingConfig::tWTR_S},
      {"tWTR_L", "end of write data to read, same bank group", &HbmTimingConfig::tWTR_L},
      {"tRTW", "read to write turnaround", &HbmTimingConfig::tRTW},
      {"tREFI", "refresh interval (all-bank; per-bank divides it by the banks)",
       &HbmTimingConfig::tREFI},
      {"tRFC", "all-bank refresh cycle time", &HbmTimingConfig::tRFC},
      {"tRFCpb", "per-bank refresh cycle time", &HbmTimingConfig::tRFCpb},
  };
  for (const auto& t : timings) {
    auto knob = real_knob<H>(std::string("timing.") + t.name, "ns", 0, 1e6, P::kStandard, t.desc,
                             "Ramulator 2.1 HBM3 9200 Mb/s bin (public preset, ns)", nullptr);
    auto m = t.m;
    knob.get = [m](const H& h) { return Json(h.timing.*m); };
    knob.set = [m](H& h, const Json& v) { h.timing.*m = v.get<double>(); };
    k.push_back(std::move(knob));
  }
  return k;
}

std::vector<KnobOf<X>> build_pcie() {
  std::vector<KnobOf<X>> k;
  k.push_back(int_knob<X>("lanes", "lanes", 1, 32, P::kSecondHand, "PCIe lanes", "Gen6 x8",
                          [](X& p) -> std::int64_t& { return p.lanes; }));
  k.push_back(real_knob<X>("gtps_per_lane", "GT/s", 1, 1000, P::kStandard,
                           "raw transfer rate per lane per direction", "Gen6: 64 GT/s",
                           [](X& p) -> double& { return p.gtps_per_lane; }));
  k.push_back(real_knob<X>("encoding_efficiency", "fraction", 0.01, 1, P::kStandard,
                           "payload fraction of the raw line rate (FLIT framing, FEC, CRC)",
                           "Gen6 FLIT: 242 of 256 bytes carry TLPs",
                           [](X& p) -> double& { return p.encoding_efficiency; }));
  k.push_back(int_knob<X>("max_payload_bytes", "B", 16, 4096, P::kAssumption,
                          "maximum TLP payload (MPS)", "common server setting",
                          [](X& p) -> std::int64_t& { return p.max_payload_bytes; }));
  k.push_back(int_knob<X>("tlp_overhead_bytes", "B", 0, 256, P::kStandard,
                          "header + sequence + LCRC bytes per TLP", "4DW header + framing",
                          [](X& p) -> std::int64_t& { return p.tlp_overhead_bytes; }));
  k.push_back(real_knob<X>("latency_ns", "ns", 0, 1e6, P::kAssumption,
                           "one-way latency host <-> chip (PHY, controller, switch-free)",
                           "typical", [](X& p) -> double& { return p.latency_ns; }));
  k.push_back(real_knob<X>("host_memory_gbps", "GB/s", 0.1, 1e5, P::kAssumption,
                           "host DRAM bandwidth available to the device's DMA", "typical server",
                           [](X& p) -> double& { return p.host_memory_gbps; }));
  k.push_back(int_knob<X>("command_processing_cycles", "cycles", 0, 1e9, P::kAssumption,
                          "SoC control processor cycles to decode a host command and launch it",
                          "typical firmware path",
                          [](X& p) -> std::int64_t& { return p.command_processing_cycles; }));
  return k;
}

}  // namespace

const std::vector<KnobOf<HbmConfig>>& hbm_knobs() {
  static const std::vector<KnobOf<HbmConfig>> knobs = build_hbm();
  return knobs;
}

const std::vector<KnobOf<PcieConfig>>& pcie_knobs() {
  static const std::vector<KnobOf<PcieConfig>> knobs = build_pcie();
  return knobs;
}

}  // namespace maia
