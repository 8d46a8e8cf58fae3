// Parallelism across a system (docs/systems.md, "Parallelism in maia-sim run"): a collective
// beyond the tray timed by the analytical model against the closed form written here, the
// all-to-all's cost, expert parallelism's graph (dispatch and combine, the busiest chip's
// experts) and per-chip weights against closed forms, and the named errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>

#include <systemc>

#include "graph_checks.hpp"
#include "maia/core/error.hpp"
#include "maia/kernels/system_collective.hpp"
#include "maia/system/collective_timer.hpp"
#include "maia/system/system_config.hpp"
#include "maia/workload/expert_parallel.hpp"
#include "maia/workload/moe_routing.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/parameters.hpp"
#include "maia/workload/pipeline_parallel.hpp"
#include "maia/workload/tensor_parallel.hpp"
#include "workload_rig.hpp"

namespace maia {
namespace {

using test::input_error;
using test::kFp8;

ModelConfig model(const std::string& name) {
  return load_model(name, test::kSource + "/configs/models");
}

std::shared_ptr<const SystemConfig> two_trays(const std::string& algorithm) {
  SystemConfig s = load_system_config(test::kSource + "/configs/systems/maia200-2trays.json");
  s.algorithm = algorithm;
  return std::make_shared<const SystemConfig>(std::move(s));
}

Operator collective(CollectiveKind kind, std::int64_t elements, std::int64_t ranks) {
  Operator op;
  op.name = "c";
  op.shape = CollectiveShape{kind, elements, ranks, DType::kFp8};
  op.cost = generic_cost(op.shape);
  op.signature = op_signature(op.name, op.shape);
  return op;
}

// tp 8 over two trays: the all-reduce of one 405B decode token's hidden state (16 sequences x
// 16384 x fp8) with the direct algorithm is two phases D(B / 8) plus the reduction of 7 shards:
// D(s) = max(tray: 900 ns + 3 s / 900 GB/s, T0: 1,500 ns + 4 s / 400 GB/s), reductions at
// 256 lanes x 36 tiles x 2 GHz x 1 byte = 18,432 GB/s (docs/systems.md).
TEST(SystemCollective, Tp8AllReduceIsTheDirectFormula) {
  const auto timer = make_collective_timer("analytical", two_trays("direct"), "test");
  const std::int64_t elements = 16 * 16384;
  const double b = static_cast<double>(elements), s = b / 8;
  const double phase = std::max(900 + 3 * s / 900, 1500 + 4 * s / 400);
  const double expect = 2 * phase + 7 * s / 18432;
  const OpMeasurement m =
      time_system_collective(*timer, collective(CollectiveKind::kAllReduce, elements, 8));
  EXPECT_NEAR(m.time_ns, expect, 1e-6 * expect);
  EXPECT_EQ(m.fidelity, "analytical");
  EXPECT_EQ(m.algorithm, "direct");
  EXPECT_EQ(m.tier, "t0");
  EXPECT_EQ(m.collective, "all_reduce");
  EXPECT_EQ(m.bound, "network");
  EXPECT_DOUBLE_EQ(m.network_bytes, 2 * 7 * s);  // 2 (n - 1) / n of the buffer leaves
  EXPECT_LE(m.roofline_ns, m.time_ns);

  // auto takes the fastest algorithm: never slower than direct.
  const auto best = make_collective_timer("analytical", two_trays("auto"), "test");
  EXPECT_LE(
      time_system_collective(*best, collective(CollectiveKind::kAllReduce, elements, 8)).time_ns,
      m.time_ns);
  // Larger messages take longer (monotone in size).
  EXPECT_GT(time_system_collective(*best, collective(CollectiveKind::kAllReduce, 8 * elements, 8))
                .time_ns,
            m.time_ns);
}

TEST(SystemCollective, GroupBeyondTheSystemIsANamedError) {
  const auto timer = make_collective_timer("analytical", two_trays("auto"), "test");
  EXPECT_NE(input_error([&] {
              time_system_collective(*timer, collective(CollectiveKind::kAllReduce, 1600, 16));
            }).find("16"),
            std::string::npos);
  EXPECT_NE(input_error([&] {
              make_collective_timer("analytic", two_trays("auto"), "--fid");
            }).find("unknown collective fidelity \"analytic\", known: analytical (did you mean"),
            std::string::npos);
}

// An all-to-all sends (n - 1) / n of each chip's buffer: 1,000 bf16 over 4 chips, 1,500 bytes.
TEST(SystemCollective, AllToAllCost) {
  const OpCost c = collective_cost({CollectiveKind::kAllToAll, 1000, 4, DType::kBf16});
  EXPECT_EQ(c.network_bytes, 1500u);
  EXPECT_EQ(c.activation_read_bytes, 1500u);
  EXPECT_EQ(c.flops, 0u);
}

// Mixtral over 2 expert-parallel chips with random routing: each MoE layer dispatches and
// combines by all-to-alls over the 2 chips, and the chip's graph holds the experts of the chip
// with the most routed tokens (the group's pace), each with its routed load.
TEST(ExpertParallel, GraphHoldsTheBusiestChipsExperts) {
  ModelConfig m = model("mixtral-8x7b");
  apply_expert_parallel(m, 2);
  const std::vector<Sequence> batch(4, Sequence{0, 32, true});  // 128 tokens on this chip
  const MoeRouting routing = parse_moe_routing("random:7");
  const OperatorGraph g = build_iteration_graph(m, kFp8, batch, routing);
  const std::int64_t t = 128, k = 2, h = 4096;
  for (int layer = 0; layer < m.num_layers; ++layer) {
    // The loads of the group's 256 tokens, chip 0 holding experts 0-3 and chip 1 4-7.
    const auto loads = expert_loads(routing, 2 * t, 8, k, layer);
    std::int64_t chip_load[2] = {0, 0};
    for (int x = 0; x < 8; ++x) chip_load[x / 4] += loads[x];
    const int busiest = chip_load[1] > chip_load[0] ? 1 : 0;
    std::int64_t gate_tokens = 0, all_to_all = 0;
    for (const auto& op : g.ops) {
      if (op.layer != layer) continue;
      if (const auto* c = std::get_if<CollectiveShape>(&op.shape);
          c && c->kind == CollectiveKind::kAllToAll) {
        ++all_to_all;
        EXPECT_EQ(c->ranks, 2);
        EXPECT_EQ(c->elements, std::max(t * k, chip_load[busiest]) * h) << op.name;
      }
      if (op.name.starts_with("expert") && op.name.ends_with(".gate")) {
        const int x = std::stoi(op.name.substr(6));
        EXPECT_EQ(x / 4, busiest) << op.name;
        gate_tokens += std::get<GemmShape>(op.shape).m;
      }
    }
    EXPECT_EQ(all_to_all, 2) << "layer " << layer;
    EXPECT_EQ(gate_tokens, chip_load[busiest]) << "layer " << layer;
    EXPECT_GE(gate_tokens, t * k);  // the busiest chip has at least the mean
  }
}

// Per-chip weights: the routed experts split, everything else as before. Mixtral (fp8): 32
// layers x 4 experts fewer of 3 x 4096 x 14336; DeepSeek-V3 over 8: 58 MoE layers x 224 experts
// fewer of 3 x 7168 x 2048.
TEST(ExpertParallel, WeightsPerChip) {
  ModelConfig mix = model("mixtral-8x7b"), mix2 = mix;
  apply_expert_parallel(mix2, 2);
  EXPECT_EQ(model_weight_bytes(mix, DType::kFp8) - model_weight_bytes(mix2, DType::kFp8),
            32ull * 4 * 3 * 4096 * 14336);
  ModelConfig ds = model("deepseek-v3"), ds8 = ds;
  apply_expert_parallel(ds8, 8);
  EXPECT_EQ(model_weight_bytes(ds, DType::kFp8) - model_weight_bytes(ds8, DType::kFp8),
            58ull * 224 * 3 * 7168 * 2048);
}

TEST(ExpertParallel, NamedErrors) {
  ModelConfig m = model("mixtral-8x7b");
  EXPECT_NE(input_error([&] {
              apply_expert_parallel(m, 3);
            }).find("--ep 3: mixtral-8x7b's num_local_experts (8) must divide"),
            std::string::npos);
  EXPECT_NE(input_error([&] { apply_expert_parallel(m, 0); }).find("--ep: must be >= 1, got 0"),
            std::string::npos);
  ModelConfig dense = model("llama-3.1-8b");
  EXPECT_NE(input_error([&] { apply_expert_parallel(dense, 2); }).find("has no routed experts"),
            std::string::npos);
  EXPECT_EQ(m.expert_parallel, 1);  // refused degrees leave the model alone
}

// The switch domain a GPU run defaults to: the chip's NVLink figures, domain_gpus chips.
TEST(SystemConfigDefaults, NvlinkDomainOfAGpu) {
  const AnyChipConfig h100 =
      load_any_chip_config(test::kSource + "/configs/gpus/h100-sxm.json", {});
  const SystemConfig s = nvlink_domain_system(h100, "h100");
  EXPECT_EQ(s.chips, 8);
  EXPECT_EQ(s.topology_name, "switched");
  const auto tiers = s.topology->tiers(8, "test");
  ASSERT_EQ(tiers.size(), 1u);
  EXPECT_DOUBLE_EQ(tiers[0].gbytes_per_s, 18 * 25.0);  // 18 links x 25 GB/s
  const AnyChipConfig maia = load_any_chip_config(test::kSource + "/configs/maia200.json", {});
  EXPECT_NE(input_error([&] { nvlink_domain_system(maia, "maia"); }).find("has no"),
            std::string::npos);
}

// Equal stages and no transfer: the bubble is (P - 1) / (M + P - 1) and the iteration
// (M + P - 1) stage times; a transfer slower than the stages paces the steady state.
TEST(PipelineParallel, BubbleClosedForm) {
  for (const std::int64_t p : {2, 4, 8})
    for (const std::int64_t m : {1, 2, 4, 16}) {
      const auto it = pipeline_iteration(std::vector<double>(p, 100.0), 0.0, m);
      EXPECT_DOUBLE_EQ(it.time_ns, 100.0 * static_cast<double>(m + p - 1));
      EXPECT_NEAR(it.bubble_fraction, static_cast<double>(p - 1) / static_cast<double>(m + p - 1),
                  1e-12);
    }
  const auto slow = pipeline_iteration({100, 100}, 150, 4);
  EXPECT_DOUBLE_EQ(slow.time_ns, 200 + 150 + 3 * 150);
  // Unequal stages only add bubble: at least the equal-stage figure.
  const auto uneven = pipeline_iteration({50, 150}, 0, 4);
  EXPECT_GE(uneven.bubble_fraction, 1.0 / 5.0);
  EXPECT_DOUBLE_EQ(uneven.time_ns, 200 + 3 * 150);
}

// The stages partition the layers (sizes within one), the first holds the embedding and the
// last the head; per-stage weights sum to the whole model's plus one LM head per extra copy
// (none: untied) and the per-stage graphs' layers cover every layer once.
TEST(PipelineParallel, StagesPartitionLayersAndWeights) {
  ModelConfig m = model("llama-3.1-8b");
  const std::uint64_t whole = model_weight_bytes(m, DType::kFp8);
  apply_pipeline_parallel(m, 3);
  std::uint64_t sum = 0;
  std::int64_t layers = 0;
  const std::vector<Sequence> batch(2, Sequence{0, 8, true});
  for (std::int64_t s = 0; s < 3; ++s) {
    const ModelConfig st = pipeline_stage(m, s);
    const std::int64_t n = st.end_layer() - st.first_layer();
    EXPECT_TRUE(n == 32 / 3 || n == 32 / 3 + 1) << n;
    EXPECT_EQ(st.first_layer(), layers);
    layers += n;
    sum += model_weight_bytes(st, DType::kFp8);
    const OperatorGraph g = build_iteration_graph(st, kFp8, batch);
    EXPECT_EQ(g.ops.front().name == "embedding", s == 0);
    EXPECT_EQ(g.ops.back().name == "sampling", s == 2);
    for (const auto& op : g.ops) {
      if (op.layer >= 0) {
        EXPECT_TRUE(op.layer >= st.first_layer() && op.layer < st.end_layer());
      }
    }
    validate_graph(g, "stage");
  }
  EXPECT_EQ(layers, 32);
  EXPECT_EQ(sum, whole);
  EXPECT_NE(input_error([&] {
              apply_pipeline_parallel(m, 33);
            }).find("--pp 33: llama-3.1-8b has 32 layers"),
            std::string::npos);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
