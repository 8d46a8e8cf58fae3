// Tensor parallelism over the chips of a tray: the sharded per-chip graph, per-chip weights, KV
// cache and capacity, the collectives' cost, their simulation on the NIC against closed forms,
// and what sharding does to 70B decode.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include <systemc>

#include "graph_checks.hpp"
#include "maia/core/error.hpp"
#include "maia/kernels/collective_kernel.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/op_trace.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/parameters.hpp"
#include "maia/workload/tensor_parallel.hpp"
#include "workload_rig.hpp"

namespace maia {
namespace {

using test::chip;
using test::kFp8;
using test::rig;
using Json = nlohmann::json;
using test::find_op;
using test::input_error;

ModelConfig model(const std::string& name) {
  return load_model(name, test::kSource + "/configs/models");
}

ModelConfig sharded(const std::string& name, std::int64_t tp) {
  ModelConfig m = model(name);
  apply_tensor_parallel(m, tp, tensor_parallel_limit(chip()));
  return m;
}

std::vector<Sequence> decode_batch(std::int64_t batch, std::int64_t context) {
  return std::vector<Sequence>(static_cast<std::size_t>(batch), Sequence{context, 1, true});
}

TEST(TensorParallel, DegreeIsCheckedWithTheRuleAndValue) {
  ModelConfig m = model("llama-3.1-8b");
  EXPECT_NE(input_error([&] { apply_tensor_parallel(m, 0, 4); }).find("--tp: must be >= 1, got 0"),
            std::string::npos);
  EXPECT_NE(input_error([&] { apply_tensor_parallel(m, 8, 4); }).find("must be at most 4"),
            std::string::npos);
  EXPECT_NE(input_error([&] {
              apply_tensor_parallel(m, 3, 4);
            }).find("--tp 3: llama-3.1-8b's num_attention_heads (32) must divide"),
            std::string::npos);
  // Heads and intermediate size divide by 3, 8 KV heads neither divide by 3 nor divide 3.
  ModelConfig odd = m;
  odd.num_heads = 24;
  odd.intermediate_size = 12288;
  EXPECT_NE(input_error([&] {
              apply_tensor_parallel(odd, 3, 4);
            }).find("num_key_value_heads (8) must divide by the tensor-parallel degree"),
            std::string::npos);
  EXPECT_EQ(m.tensor_parallel, 1);  // a refused degree leaves the model alone
  apply_tensor_parallel(m, 4, tensor_parallel_limit(chip()));
  EXPECT_EQ(m.tensor_parallel, 4);
  // The shipped chip: this chip and its three tray peers.
  EXPECT_EQ(tensor_parallel_limit(chip()), 4);
}

TEST(TensorParallel, OneChipGraphHasNoCollective) {
  const ModelConfig plain = model("llama-3.1-70b");
  const ModelConfig one = sharded("llama-3.1-70b", 1);
  const auto batch = decode_batch(4, 100);
  const OperatorGraph g = build_iteration_graph(plain, kFp8, batch);
  EXPECT_EQ(build_iteration_graph(one, kFp8, batch), g);
  for (const auto& op : g.ops) EXPECT_NE(op.kind(), "collective") << op.name;
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "qkv_proj", 0).shape).n, (64 + 2 * 8) * 128);
  EXPECT_EQ(std::get<GemmShape>(find_op(g, "lm_head", -1).shape).n, plain.vocab_size);
}

TEST(TensorParallel, PerChipGraphIsShardedWithCollectivesBeforeResiduals) {
  for (std::int64_t tp : {2, 4}) {
    const ModelConfig m = sharded("llama-3.1-70b", tp);
    const std::int64_t t = 4;
    const OperatorGraph g = build_iteration_graph(m, kFp8, decode_batch(t, 100));
    validate_graph(g, "tp");
    EXPECT_EQ(std::get<GemmShape>(find_op(g, "qkv_proj", 0).shape).n, (64 / tp + 2 * 8 / tp) * 128);
    const auto& attn = std::get<AttentionShape>(find_op(g, "attention", 0).shape);
    EXPECT_EQ(attn.heads, 64 / tp);
    EXPECT_EQ(attn.kv_heads, 8 / tp);
    EXPECT_EQ(std::get<GemmShape>(find_op(g, "o_proj", 0).shape).k, 64 / tp * 128);
    EXPECT_EQ(std::get<GemmShape>(find_op(g, "gate", 0).shape).n, 28672 / tp);
    EXPECT_EQ(std::get<GemmShape>(find_op(g, "down", 0).shape).k, 28672 / tp);
    EXPECT_EQ(std::get<GemmShape>(find_op(g, "lm_head", -1).shape).n, 128256 / tp);
    int all_reduces = 0;
    for (const auto& op : g.ops) {
      if (const auto* c = std::get_if<CollectiveShape>(&op.shape)) {
        EXPECT_EQ(c->ranks, tp);
        EXPECT_EQ(op.engine(), EngineClass::kNic);
        if (c->kind == CollectiveKind::kAllReduce) {
          ++all_reduces;
          EXPECT_EQ(c->elements, t * m.hidden_size);
          EXPECT_EQ(op.cost.network_bytes, 2 * static_cast<std::uint64_t>(t * m.hidden_size) *
                                               static_cast<std::uint64_t>(tp - 1) /
                                               static_cast<std::uint64_t>(tp));
        }
      }
    }
    EXPECT_EQ(all_reduces, 2 * m.num_layers);
    // Each residual add reads the all-reduced sum, which reads the row-parallel GEMM.
    const auto index_of = [&](const std::string& name, int layer) {
      return static_cast<int>(&find_op(g, name, layer) - g.ops.data());
    };
    for (int layer : {0, 79}) {
      const Operator& res1 = find_op(g, "attn_residual", layer);
      const Operator& ar1 = find_op(g, "attn_all_reduce", layer);
      EXPECT_EQ(res1.deps.back(), index_of("attn_all_reduce", layer));
      EXPECT_EQ(ar1.deps, std::vector<int>{index_of("o_proj", layer)});
      EXPECT_EQ(find_op(g, "mlp_residual", layer).deps.back(), index_of("mlp_all_reduce", layer));
      EXPECT_EQ(find_op(g, "mlp_all_reduce", layer).deps,
                std::vector<int>{index_of("down", layer)});
    }
    // Logits: the vocabulary shards all-gathered before sampling.
    const Operator& gather = find_op(g, "logits_all_gather", -1);
    EXPECT_EQ(std::get<CollectiveShape>(gather.shape).kind, CollectiveKind::kAllGather);
    EXPECT_EQ(gather.deps, std::vector<int>{index_of("lm_head", -1)});
    EXPECT_EQ(find_op(g, "sampling", -1).deps, std::vector<int>{index_of("logits_all_gather", -1)});
  }
}

TEST(TensorParallel, MoeExpertsAreShardedAndReducedOnce) {
  const ModelConfig m = sharded("mixtral-8x7b", 2);
  const OperatorGraph g = build_iteration_graph(m, kFp8, decode_batch(2, 50));
  for (const auto& op : g.ops) {
    if (op.name.ends_with(".gate") && op.layer == 0) {
      EXPECT_EQ(std::get<GemmShape>(op.shape).n, m.intermediate_size / 2) << op.name;
    }
  }
  const Operator& ar = find_op(g, "mlp_all_reduce", 0);
  EXPECT_EQ(g.ops[static_cast<std::size_t>(ar.deps.front())].name, "moe_combine");
}

TEST(TensorParallel, KvHeadsAreReplicatedWhenFewerThanChips) {
  ModelConfig m = model("llama-3.1-8b");
  m.num_kv_heads = 2;
  apply_tensor_parallel(m, 4, 4);
  EXPECT_EQ(m.kv_heads_per_chip(), 1);
  const OperatorGraph g = build_iteration_graph(m, kFp8, decode_batch(1, 10));
  EXPECT_EQ(std::get<AttentionShape>(find_op(g, "attention", 0).shape).kv_heads, 1);
  EXPECT_EQ(std::get<AttentionShape>(find_op(g, "attention", 0).shape).heads, 8);
  // Each chip caches its one head: half of the two-head cache, not a quarter.
  ModelConfig one = model("llama-3.1-8b");
  one.num_kv_heads = 2;
  const auto batch = decode_batch(3, 1000);
  EXPECT_EQ(2 * kv_cache_bytes(m, DType::kFp8, batch), kv_cache_bytes(one, DType::kFp8, batch));
}

TEST(TensorParallel, WeightsAndKvCachePerChipShrinkByTheDegree) {
  const ModelConfig one = model("llama-3.1-70b");
  const auto w = [](const ModelConfig& m) { return model_weight_bytes(m, DType::kFp8); };
  // Replicated on every chip: the embedding table (FP8) and the norm weights (BF16).
  const std::uint64_t h = 8192, replicated = 128256 * h + (2 * 80 + 1) * h * 2;
  const auto batch = decode_batch(8, 4096);
  for (std::int64_t tp : {2, 4}) {
    const ModelConfig m = sharded("llama-3.1-70b", tp);
    const auto n = static_cast<std::uint64_t>(tp);
    EXPECT_EQ((w(m) - replicated) * n, w(one) - replicated) << "tp " << tp;
    EXPECT_EQ(kv_cache_bytes(m, DType::kFp8, batch) * n, kv_cache_bytes(one, DType::kFp8, batch));
    // The graph's weight bytes are the chip's too (without the embedding gather).
    const OperatorGraph g1 = build_iteration_graph(one, kFp8, decode_batch(1, 10));
    const OperatorGraph gn = build_iteration_graph(m, kFp8, decode_batch(1, 10));
    const std::uint64_t emb = find_op(g1, "embedding", -1).cost.weight_bytes;
    const std::uint64_t norms = (2 * 80 + 1) * h * 2;
    EXPECT_EQ((gn.total().weight_bytes - emb - norms) * n, g1.total().weight_bytes - emb - norms);
  }
  // The parameter count stays the model's.
  EXPECT_EQ(count_parameters(sharded("llama-3.1-70b", 4)).total, count_parameters(one).total);
}

TEST(TensorParallel, CapacityUsesTheChipsShare) {
  // 64 sequences of 32k tokens: 344 GB of FP8 KV cache do not fit one chip; a quarter does.
  const auto batch = decode_batch(64, 32768);
  const std::uint64_t hbm = 231928233984ull;
  EXPECT_NE(input_error([&] {
              check_capacity(model("llama-3.1-70b"), kFp8, batch, hbm);
            }).find("model does not fit"),
            std::string::npos);
  const MemoryFootprint f = check_capacity(sharded("llama-3.1-70b", 4), kFp8, batch, hbm);
  EXPECT_LT(f.total(), hbm * 3 / 4);
  EXPECT_LT(f.weight_bytes, 20'000'000'000ull);
}

TEST(TensorParallel, CollectiveCostAndTraceRoundTrip) {
  const OpCost c = collective_cost({CollectiveKind::kAllReduce, 4096, 4, DType::kBf16});
  EXPECT_EQ(c.network_bytes, 2u * 3 * 1024 * 2);  // 2 (N - 1) shards of 1024 BF16
  EXPECT_EQ(c.flops, 3u * 1024);
  EXPECT_EQ(collective_cost({CollectiveKind::kAllGather, 4096, 4, DType::kBf16}).network_bytes,
            3u * 1024 * 2);
  const OperatorGraph g =
      build_iteration_graph(sharded("llama-3.1-8b", 2), kFp8, decode_batch(2, 20));
  const OperatorGraph back = parse_op_trace(Json::parse(op_trace_to_json(g).dump()), "t.json");
  EXPECT_EQ(back.ops, g.ops);
  const std::string head =
      R"({"format": "maia-op-trace", "version": 1, "operators": [{"name": "ar", "collective": )";
  const auto error_of = [&](const std::string& shape) {
    return input_error([&] { parse_op_trace(Json::parse(head + shape + "}]}"), "t.json"); });
  };
  std::string e =
      error_of(R"({"kind": "all_reduce", "elements": 10, "ranks": 4, "dtype": "bf16"})");
  EXPECT_NE(e.find("t.json: operators[0].collective.elements: must divide by ranks (4)"),
            std::string::npos)
      << e;
  e = error_of(R"({"kind": "broadcast", "elements": 8, "ranks": 4, "dtype": "bf16"})");
  EXPECT_NE(e.find("operators[0].collective.kind"), std::string::npos) << e;
  e = error_of(R"({"kind": "all_gather", "elements": 8, "ranks": 1, "dtype": "bf16"})");
  EXPECT_NE(e.find("operators[0].collective.ranks"), std::string::npos) << e;
}

// One collective operator run on the chip model.
OpMeasurement run_collective(CollectiveKind kind, std::int64_t elements, std::int64_t ranks) {
  Operator op;
  op.name = "collective";
  op.shape = CollectiveShape{kind, elements, ranks, DType::kFp8};
  op.cost = generic_cost(op.shape);
  op.signature = op_signature(op.name, op.shape);
  return rig().exec.run(op);
}

TEST(TensorParallel, AllReduceOnTheNicAgainstTheClosedForm) {
  const double latency_ns = chip().nic.latency_ns;
  for (std::int64_t ranks : {2, 4}) {
    for (std::int64_t bytes : {std::int64_t{16384}, std::int64_t{8} << 20}) {
      const OpMeasurement m = run_collective(CollectiveKind::kAllReduce, bytes, ranks);
      const double shard = static_cast<double>(bytes) / static_cast<double>(ranks);
      // Two phases, each B / N to every peer over its port group, the slowest group last.
      const double floor = 2 * shard / tray_group_gbytes_per_s(chip(), ranks - 1) + 2 * latency_ns;
      EXPECT_GE(m.time_ns, floor) << ranks << " ranks, " << bytes << " B";
      EXPECT_LE(m.time_ns, 2 * floor) << ranks << " ranks, " << bytes << " B";
      EXPECT_DOUBLE_EQ(m.network_bytes, 2 * shard * static_cast<double>(ranks - 1));
      EXPECT_GE(m.time_ns, m.roofline_ns);
      EXPECT_EQ(m.kind, "collective");
    }
  }
}

TEST(TensorParallel, NicStatisticsCountWhatTheCollectiveSent) {
  // The NIC's own counters (module statistics): tx = rx (mirrored peers) = the closed form.
  const std::int64_t bytes = std::int64_t{1} << 20, ranks = 4;
  ChipSession& session = rig().session;
  const auto total = [&](const char* stat) {
    RunOptions opt;
    const ProgramResult r = session.run(
        build_collective_kernel(chip(), {{CollectiveKind::kAllGather, 64, 2, DType::kFp8}, {}}),
        opt);
    return sum_stat(r.modules, "chip.nic", stat);
  };
  const double tx0 = total("tx_bytes"), rx0 = total("rx_bytes");
  const ProgramResult r = session.run(build_collective_kernel(
      chip(), {{CollectiveKind::kAllReduce, bytes, ranks, DType::kFp8}, {}}));
  const double expect = 2.0 * static_cast<double>(bytes) * (ranks - 1) / ranks;
  EXPECT_DOUBLE_EQ(r.nic_tx_bytes, expect);
  EXPECT_DOUBLE_EQ(r.nic_rx_bytes, expect);
  EXPECT_GT(sum_stat(r.modules, "chip.nic", "tx_bytes"), tx0);
  EXPECT_GT(sum_stat(r.modules, "chip.nic", "rx_bytes"), rx0);
  double sent = 0;
  for (int p = 0; p < 3; ++p)
    sent += sum_stat(r.modules, "chip.nic_dma" + std::to_string(p), "sent_bytes");
  EXPECT_GE(sent, expect);
}

TEST(TensorParallel, NicDmaQueuesInHandWrittenPrograms) {
  const auto program = [](const std::string& engine, const std::string& dst_space) {
    return Json::parse(R"({"buffers": [
        {"name": "a", "space": "hbm", "offset": 0, "bytes": 65536},
        {"name": "b", "space": ")" +
                       dst_space + (dst_space == "csram" ? R"(", "cluster": 0)" : R"(")") +
                       R"(, "offset": 1048576, "bytes": 65536}],
      "queues": [{"engine": ")" +
                       engine + R"(", "instructions": [
        {"op": "copy", "src": "a", "dst": "b", "bytes": 65536}]}]})");
  };
  const Program p = parse_program(program("nic.dma1", "hbm"), "p.json", chip());
  ASSERT_EQ(p.queues.size(), 1u);
  EXPECT_EQ(p.queues[0].engine, EngineKind::kNicDma);
  EXPECT_EQ(p.queues[0].channel, 1);
  const ProgramResult r = rig().session.run(p);
  EXPECT_DOUBLE_EQ(r.nic_tx_bytes, 65536);
  // 64 KiB to one peer over 7 ports: at least line rate plus the link latency.
  EXPECT_GE(r.time_ns, 65536 / tray_group_gbytes_per_s(chip(), 2) + chip().nic.latency_ns);
  EXPECT_NE(input_error([&] {
              parse_program(program("nic.dma3", "hbm"), "p.json", chip());
            }).find("NIC DMA peer 3 has no tray links"),
            std::string::npos);
  EXPECT_NE(input_error([&] {
              parse_program(program("nic.dma0", "csram"), "p.json", chip());
            }).find("NIC DMA copies hbm -> (tray peer) -> hbm, got hbm -> csram"),
            std::string::npos);
}

TEST(TensorParallel, AllGatherOnTheNicAgainstTheClosedForm) {
  const std::int64_t bytes = std::int64_t{4} << 20;
  for (std::int64_t ranks : {2, 4}) {
    const OpMeasurement m = run_collective(CollectiveKind::kAllGather, bytes, ranks);
    const double shard = static_cast<double>(bytes) / static_cast<double>(ranks);
    const double floor = shard / tray_group_gbytes_per_s(chip(), ranks - 1) + chip().nic.latency_ns;
    EXPECT_GE(m.time_ns, floor);
    EXPECT_LE(m.time_ns, 1.5 * floor);
    EXPECT_DOUBLE_EQ(m.network_bytes, shard * static_cast<double>(ranks - 1));
    EXPECT_EQ(m.bound, "network");
  }
}

TEST(TensorParallel, Decode70BIsFasterOnMoreChipsButNotBeyondLinear) {
  // One decode iteration of 70B, batch 1 at context 128, on 1, 2 and 4 chips.
  double tpot[5] = {};
  for (std::int64_t tp : {1, 2, 4}) {
    const IterationResult r = rig().exec.run_graph(
        build_iteration_graph(sharded("llama-3.1-70b", tp), kFp8, decode_batch(1, 128)));
    tpot[tp] = r.time_ns;
    for (const auto& m : r.ops) {
      if (m.kind == "collective") {
        EXPECT_EQ(m.window, 1) << m.name;  // never overlapped
      }
    }
  }
  EXPECT_LT(tpot[2], tpot[1]);
  EXPECT_LT(tpot[4], tpot[2]);
  EXPECT_GE(tpot[2], tpot[1] / 2);
  EXPECT_GE(tpot[4], tpot[1] / 4);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
