// The activity-based energy model (docs/power.md): a GEMM's energy against a closed form written
// here from the knob values and the GEMM's MAC count, energy conservation (classes and phases sum
// to the total; a merged window's operators sum to the window), and a memoised operator counting
// again each time it runs. Every TEST runs in its own process with at most one ChipSession.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <systemc>

#include "maia/backend/maia_backend.hpp"
#include "maia/compiler/op_executor.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/report/energy_model.hpp"
#include "maia/report/run_energy.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/operator.hpp"
#include "maia/workload/operator_graph.hpp"

#include "workload_rig.hpp"

namespace maia {
namespace {

using namespace test;  // chip(), llama8b(), kFp8 (workload_rig.hpp)

Operator gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType t) {
  Operator op;
  op.name = "gemm";
  op.shape = GemmShape{m, n, k, t, t, DType::kBf16};
  op.cost = generic_cost(op.shape);
  op.signature = op_signature(op.name, op.shape);
  return op;
}

// A GEMM's energy, written from the energy knobs (not the model's coefficients) and the
// closed-form MAC count m x n x k; the traffic is what the operator measured.
TEST(Energy, GemmEnergyIsMacsTimesEnergyPlusBytesPlusIdlePower) {
  const ChipConfig cfg = chip();
  const std::int64_t m = 512, n = 4096, k = 4096;
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  MaiaBackend backend(session, exec);
  const OpMeasurement op = exec.run(gemm(m, n, k, DType::kFp8));
  const Activity& a = op.activity;
  const double macs = static_cast<double>(m * n * k);
  EXPECT_DOUBLE_EQ(a.macs_fp8, macs);
  EXPECT_EQ(a.macs_fp4, 0);
  EXPECT_EQ(a.macs_bf16, 0);
  // The FP8 weights (k x n bytes) come from HBM at least once; the operands pass through SRAM.
  EXPECT_GE(a.hbm_read_bytes, static_cast<double>(k * n));
  EXPECT_GT(a.near_sram_read_bytes, 0);
  EXPECT_GT(a.far_sram_write_bytes, 0);
  EXPECT_GT(a.noc_byte_hops, 0);

  const EnergyConfig& e = cfg.energy;
  const double idle_w = e.static_tiles_w + e.static_sram_w + e.static_gnoc_w + e.static_hbm_w +
                        e.static_nic_w + e.static_pcie_w + e.static_uncore_w;
  const double pj = macs * e.ttu_mac_fp8_pj + a.vector_ops * e.tvp_op_pj +
                    a.near_sram_read_bytes * e.tsram_read_pj_per_byte +
                    a.near_sram_write_bytes * e.tsram_write_pj_per_byte +
                    a.far_sram_read_bytes * e.csram_read_pj_per_byte +
                    a.far_sram_write_bytes * e.csram_write_pj_per_byte +
                    a.noc_byte_hops * e.gnoc_pj_per_byte_hop + a.hbm_activates * e.hbm_activate_pj +
                    8 * a.hbm_read_bytes * e.hbm_read_pj_per_bit +
                    8 * a.hbm_write_bytes * e.hbm_write_pj_per_bit +
                    a.hbm_refreshes * e.hbm_refresh_pj + 8 * a.network_bytes * e.nic_pj_per_bit +
                    8 * a.pcie_bytes * e.pcie_pj_per_bit;
  const double expected = pj * 1e-12 + idle_w * op.time_ns * 1e-9;
  const EnergyBreakdown got = energy_of(a, op.time_ns, backend.energy_coefficients());
  EXPECT_NEAR(got.total(), expected, 1e-12 * expected);
  EXPECT_NEAR(got[EnergyClass::kCompute], macs * e.ttu_mac_fp8_pj * 1e-12, 1e-15);
  EXPECT_NEAR(got[EnergyClass::kStatic], idle_w * op.time_ns * 1e-9, 1e-15);
  // A compute-bound FP8 GEMM of this size keeps the TTUs busy: its power lies between idle
  // power and a generous bound (twice the TDP).
  const double power = got.total() / (op.time_ns * 1e-9);
  EXPECT_GT(power, idle_w);
  EXPECT_LT(power, 2 * cfg.tdp_w);
}

// An operator reused from a measurement counts its energy again: a graph of the same operator
// twice has twice one operator's activity, and the memoised executor prices the graph exactly as
// one that simulates every operator.
TEST(Energy, MemoisedOperatorCountsEachTimeItRuns) {
  const ChipConfig cfg = chip();
  ChipSession session(cfg);
  OpExecutor memo(session, cfg, true);
  OpExecutor every(session, cfg, false);
  const Operator op = gemm(256, 2048, 2048, DType::kFp8);
  const OpMeasurement once = memo.run(op);
  const OpMeasurement again = memo.run(op);
  EXPECT_TRUE(again.reused);
  EXPECT_DOUBLE_EQ(again.activity.macs_fp8, once.activity.macs_fp8);
  EXPECT_DOUBLE_EQ(again.activity.hbm_read_bytes, once.activity.hbm_read_bytes);
  const OpMeasurement fresh = every.run(op);
  EXPECT_FALSE(fresh.reused);
  EnergyCoefficients k;
  k.mac_fp8_pj = cfg.energy.ttu_mac_fp8_pj;
  k.hbm_read_pj_per_bit = cfg.energy.hbm_read_pj_per_bit;
  k.static_w = cfg.energy.static_w();
  IterationResult two;
  two.ops = {once, again};
  const double one_j = energy_of(once.activity, once.time_ns, k).total();
  EXPECT_NEAR(energy_of(two.activity(), once.time_ns + again.time_ns, k).total(), 2 * one_j,
              1e-12 * one_j);
  // Canonical start: the fresh simulation measures the same events as the memoised one.
  EXPECT_DOUBLE_EQ(fresh.activity.macs_fp8, once.activity.macs_fp8);
  EXPECT_DOUBLE_EQ(fresh.activity.hbm_read_bytes, once.activity.hbm_read_bytes);
}

// Conservation: the operators of an iteration (merged windows included) share out exactly what
// the chip counted; a run's classes and phases each sum to its total; tokens per joule is the
// output tokens over that total.
TEST(Energy, ConservedOverOperatorsClassesAndPhases) {
  const ChipConfig cfg = chip();
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  MaiaBackend backend(session, exec);
  StaticBatchSpec spec;
  spec.batch = 2;
  spec.prompt = 128;
  spec.gen = 3;
  spec.decode_stride = 1;
  const StaticBatchResult r = run_static_batch(backend, llama8b(), kFp8, spec);
  // The prefill's MACs: every operator's share sums to the closed-form FLOPs / 2 of its GEMMs
  // and attention (the chip counts what the programs ran, which is at least the operators' cost).
  double flops = 0;
  for (const auto& m : r.prefill.ops) flops += m.flops;
  const Activity pre = r.prefill.activity();
  EXPECT_GE(pre.macs_fp8 + pre.macs_bf16 + pre.macs_fp4 + pre.vector_ops / 2, flops / 2 * 0.99);

  RunSummary s = static_batch_summary(r, "maia200", true);
  s.energy = backend.energy_coefficients();
  const RunEnergy e = run_energy(s, *s.energy);
  double classes = 0;
  for (double j : e.per_chip.joules) classes += j;
  EXPECT_DOUBLE_EQ(classes, e.per_chip.total());
  double phases = 0;
  for (const auto& p : e.phases) phases += p.joules.total();
  EXPECT_NEAR(phases, e.per_chip.total(), 1e-12 * e.per_chip.total());
  ASSERT_EQ(e.phases.size(), 2u);  // prefill and decode; a static batch never idles
  EXPECT_NEAR(e.time_s, r.e2e_ns() / 1e9, 1e-15);
  EXPECT_DOUBLE_EQ(e.tokens_per_joule(),
                   static_cast<double>(spec.batch * spec.gen) / e.per_chip.total());
  EXPECT_GE(e.average_power_w, cfg.energy.static_w());
  EXPECT_GE(e.peak_power_w, e.average_power_w * 0.5);
  // The summary block carries the same figures.
  const Json j = summary_json(s);
  ASSERT_TRUE(j.contains("energy"));
  EXPECT_DOUBLE_EQ(j["energy"]["joules_per_chip"].get<double>(), e.per_chip.total());
  EXPECT_FALSE(j.contains("cost"));  // no cost inputs given
}

// The cost block: rental price x chip-hours, or capital over the lifetime plus energy at PUE.
TEST(Energy, CostFromRentalPriceOrTotalCostOfOwnership) {
  RunEnergy e;
  e.chips = 2;
  e.time_s = 3600;
  e.per_chip[EnergyClass::kStatic] = 3.6e6;  // 1 kWh per chip
  e.output_tokens = 1e6;
  CostInputs rent;
  rent.price_per_hour = 5;
  const Json r = cost_json(e, rent);
  EXPECT_EQ(r["model"], "rental");
  EXPECT_DOUBLE_EQ(r["dollars"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(r["tokens_per_dollar"].get<double>(), 1e5);
  CostInputs tco{std::nullopt, 8766.0 * 4, 4, 0.1, 1.5};  // 1 USD per chip-hour of capital
  const Json t = cost_json(e, tco);
  EXPECT_EQ(t["model"], "tco");
  EXPECT_NEAR(t["capital_usd"].get<double>(), 2.0, 1e-9);
  EXPECT_NEAR(t["energy_usd"].get<double>(), 2 * 1.5 * 0.1, 1e-12);
  EXPECT_NEAR(t["tokens_per_dollar"].get<double>(), 1e6 / 2.3, 1e-6);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
