// The energy and cost knob tables (docs/power.md): Maia's `energy` block, and the `cost` block
// both chip kinds share (see shared_knobs.hpp). Values rest on public per-operation energies
// (Horowitz, ISSCC 2014, 45 nm; Jouppi et al., "Ten Lessons From Three Generations Shaped
// Google's TPUv4i", ISCA 2021, Table 2, 7 nm) scaled to TSMC N3, on HBM energy per bit
// (O'Connor et al., "Fine-Grained DRAM", MICRO 2017) and on Maia 200's own "< 8 pJ/bit" links.
#include "knob_builders.hpp"
#include "shared_knobs.hpp"

namespace maia {
namespace {

using namespace knob_builders;
using E = EnergyConfig;
using C = CostConfig;

std::vector<KnobOf<E>> build_energy() {
  std::vector<KnobOf<E>> k;
  auto pj = [&](std::string name, std::string unit, double max, P src, std::string desc,
                std::string note, double E::*m) {
    KnobOf<E> knob = real_knob<E>(std::move(name), std::move(unit), 0, max, src, std::move(desc),
                                  std::move(note), nullptr);
    knob.get = [m](const E& e) { return Json(e.*m); };
    knob.set = [m](E& e, const Json& v) { e.*m = v.get<double>(); };
    k.push_back(std::move(knob));
  };
  const std::string scaled =
      "7 nm per-operation energies (TPUv4i paper, Table 2: int8 multiply 0.07 pJ, bf16 "
      "multiply 0.21 pJ, fp32 add 0.38 pJ) x 0.6 for N3 (voltage and capacitance), with a "
      "share of the adder tree per MAC";
  pj("ttu_mac_fp4_pj", "pJ/MAC", 100, P::kInferred, "TTU energy per multiply-accumulate at FP4",
     "half the FP8 MAC (4-bit multiplier, same accumulation); " + scaled, &E::ttu_mac_fp4_pj);
  pj("ttu_mac_fp8_pj", "pJ/MAC", 100, P::kInferred, "TTU energy per multiply-accumulate at FP8",
     "(0.07 multiply + ~0.1 accumulate share) x 0.6; " + scaled, &E::ttu_mac_fp8_pj);
  pj("ttu_mac_bf16_pj", "pJ/MAC", 100, P::kInferred,
     "TTU energy per multiply-accumulate at 16 bits or wider",
     "(0.21 bf16 multiply + ~0.3 accumulate share) x 0.6; " + scaled, &E::ttu_mac_bf16_pj);
  pj("tvp_op_pj", "pJ/op", 100, P::kInferred,
     "TVP energy per vector element operation (one FLOP), register file included",
     "half a 16-bit FMA (0.21 + 0.16 pJ at 7 nm) x 0.6 plus a register-file read (A)",
     &E::tvp_op_pj);
  const std::string sram =
      "SRAM scales poorly: Horowitz 45 nm 8-32 KB array, 64-bit read 10-20 pJ (1.2-2.5 pJ/B); "
      "TPUv4i Table 2 keeps SRAM within ~2x from 45 to 7 nm; wide (64 B) bank accesses amortise "
      "decode";
  pj("tsram_read_pj_per_byte", "pJ/B", 1000, P::kAssumption, "TSRAM energy per byte read",
     "3 MiB per tile in 14 wide banks; " + sram, &E::tsram_read_pj_per_byte);
  pj("tsram_write_pj_per_byte", "pJ/B", 1000, P::kAssumption, "TSRAM energy per byte written",
     "writes ~20% above reads (bit-line swing); " + sram, &E::tsram_write_pj_per_byte);
  pj("csram_read_pj_per_byte", "pJ/B", 1000, P::kAssumption, "CSRAM energy per byte read",
     "35 MiB per cluster: larger banks and the cluster crossbar, 2x TSRAM; " + sram,
     &E::csram_read_pj_per_byte);
  pj("csram_write_pj_per_byte", "pJ/B", 1000, P::kAssumption, "CSRAM energy per byte written",
     "2x TSRAM write; " + sram, &E::csram_write_pj_per_byte);
  pj("gnoc_pj_per_byte_hop", "pJ/B", 1000, P::kAssumption,
     "GNOC energy per byte per link crossed (router and link)",
     "on-chip wires ~0.1 pJ/bit/mm at 7-3 nm (Dally, Hot Chips 2023 keynote) over a ~1.5 mm "
     "hop plus router buffers",
     &E::gnoc_pj_per_byte_hop);
  pj("hbm_activate_pj", "pJ", 1e6, P::kSecondHand,
     "HBM energy of one ACT with its precharge (1 KiB row of a pseudo channel)",
     "~0.9 nJ per HBM2 activate (O'Connor et al., MICRO 2017)", &E::hbm_activate_pj);
  pj("hbm_read_pj_per_bit", "pJ/bit", 100, P::kSecondHand,
     "HBM energy per bit read: DRAM column path, TSVs and the PHYs at both ends",
     "HBM2 ~3.9 pJ/bit of which ~1 pJ activation (O'Connor 2017); HBM3e vendors claim "
     "~25-30% less per bit than HBM3",
     &E::hbm_read_pj_per_bit);
  pj("hbm_write_pj_per_bit", "pJ/bit", 100, P::kAssumption, "HBM energy per bit written",
     "read + ~7% (write drivers, on-die termination at the DRAM)", &E::hbm_write_pj_per_bit);
  pj("hbm_refresh_pj", "pJ", 1e9, P::kAssumption,
     "HBM energy of one refresh command of a pseudo channel",
     "tRFC (~350 ns) x the refresh current over standby (~0.07 A at 1.1 V)", &E::hbm_refresh_pj);
  pj("nic_pj_per_bit", "pJ/bit", 1000, P::kOfficial, "NIC (Ethernet link) energy per bit sent",
     "Maia 200: link energy < 8 pJ/bit (the bound taken)", &E::nic_pj_per_bit);
  pj("pcie_pj_per_bit", "pJ/bit", 1000, P::kAssumption, "PCIe host link energy per payload bit",
     "64 GT/s PAM4 SerDes ~5-6 pJ/bit in published PHYs", &E::pcie_pj_per_bit);
  const std::string idle =
      "idle (leakage, ungated clock tree, PHYs with links up); no public breakdown. The "
      "blocks sum to 180 W, 24% of the 750 W TDP";
  pj("static_tiles_w", "W", 10000, P::kAssumption, "idle power of the tiles (TTU, TVP, TCP)", idle,
     &E::static_tiles_w);
  pj("static_sram_w", "W", 10000, P::kAssumption, "idle power of TSRAM and CSRAM (272 MB)", idle,
     &E::static_sram_w);
  pj("static_gnoc_w", "W", 10000, P::kAssumption, "idle power of the GNOC", idle,
     &E::static_gnoc_w);
  pj("static_hbm_w", "W", 10000, P::kAssumption,
     "idle power of the HBM stacks (standby) and their PHYs",
     "6 stacks x ~3 W standby + PHYs; " + idle, &E::static_hbm_w);
  pj("static_nic_w", "W", 10000, P::kAssumption, "idle power of the NIC with its links up",
     "28 x 400G SerDes stay powered when idle; " + idle, &E::static_nic_w);
  pj("static_pcie_w", "W", 10000, P::kAssumption, "idle power of the PCIe interface", idle,
     &E::static_pcie_w);
  pj("static_uncore_w", "W", 10000, P::kAssumption,
     "idle power of the rest (control processors, PLLs, security, management)", idle,
     &E::static_uncore_w);
  return k;
}

std::vector<KnobOf<C>> build_cost() {
  std::vector<KnobOf<C>> k;
  k.push_back(real_knob<C>("capital_usd", "USD", 0, 1e8, P::kAssumption,
                           "capital cost of one chip with its share of the server and network",
                           "no public price; an accelerator's share of a server",
                           [](C& c) -> double& { return c.capital_usd; }));
  k.push_back(real_knob<C>("lifetime_years", "years", 0.1, 50, P::kAssumption,
                           "depreciation period of the capital cost",
                           "4-6 years is common in cloud providers' filings",
                           [](C& c) -> double& { return c.lifetime_years; }));
  k.push_back(real_knob<C>("energy_usd_per_kwh", "USD/kWh", 0, 10, P::kAssumption,
                           "electricity price at the facility",
                           "US industrial average ~0.08 USD/kWh (EIA, 2024)",
                           [](C& c) -> double& { return c.energy_usd_per_kwh; }));
  k.push_back(real_knob<C>("pue", "ratio", 1, 5, P::kAssumption,
                           "facility power usage effectiveness (facility / IT energy)",
                           "hyperscale data centres report ~1.1-1.2",
                           [](C& c) -> double& { return c.pue; }));
  return k;
}

}  // namespace

const std::vector<KnobOf<EnergyConfig>>& energy_knobs() {
  static const std::vector<KnobOf<EnergyConfig>> knobs = build_energy();
  return knobs;
}

const std::vector<KnobOf<CostConfig>>& cost_knobs() {
  static const std::vector<KnobOf<CostConfig>> knobs = build_cost();
  return knobs;
}

}  // namespace maia
