// The analytical collective model on the shipped system configs. Every expected figure is a
// closed form written here from the spec's numbers (400 GbE ports = 50 GB/s, tray links 6/7/7,
// 8 scale-out ports, NIC latency 900 ns, T0/T1 latency 600 ns, 96 down : 32 up, TVP 36 tiles x
// 256 lanes x 2 GHz), never from the code under test.
#include <gtest/gtest.h>

#include <systemc>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "maia/core/error.hpp"
#include "maia/system/collective_model.hpp"
#include "maia/system/system_config.hpp"

namespace maia {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kPort = 400.0 / 8;                 // GB/s per 400 GbE port
constexpr double kLink6 = 6 * kPort;                // 300 GB/s: the tray pairs 0-1, 2-3
constexpr double kLink7 = 7 * kPort;                // 350 GB/s: the other pairs
constexpr double kScaleOut = 8 * kPort;             // 400 GB/s per chip over 4 planes x 2
constexpr double kT1 = kScaleOut * 32.0 / 96.0;     // 3:1 oversubscribed when all chips go up
constexpr double kNic = 900;                        // ns
constexpr double kT0Hop = kNic + 600;               // through one T0
constexpr double kReduceBf16 = 36 * 256 * 2.0 * 2;  // GB/s of bf16 operand

const std::vector<CollectiveOp> kOps = {CollectiveOp::kAllReduce,     CollectiveOp::kAllGather,
                                        CollectiveOp::kReduceScatter, CollectiveOp::kAllToAll,
                                        CollectiveOp::kBroadcast,     CollectiveOp::kSendRecv};

SystemConfig load(const std::string& name) {
  return load_system_config(std::string(MAIA_SOURCE_DIR) + "/configs/systems/" + name);
}

CollectiveEstimate run(const SystemConfig& s, CollectiveOp op, std::int64_t n, double bytes,
                       const std::string& algo = "auto") {
  return estimate_collective(*s.topology, s.chip, op, n, bytes, DType::kBf16, algo);
}

std::vector<double> sizes() {
  std::vector<double> out;
  for (double b = 8; b <= 8 * kGiB; b *= 2) out.push_back(b);
  return out;
}

// Every algorithm that can run the op, plus auto.
std::vector<std::string> algorithms_for(const SystemConfig& s, CollectiveOp op, std::int64_t n) {
  std::vector<std::string> out = {"auto"};
  for (const auto& a : collective_algorithms()) {
    try {
      (void)run(s, op, n, 1024, std::string(a->name()));
      out.emplace_back(a->name());
    } catch (const InputError&) {
    }
  }
  return out;
}

TEST(Collective, SwitchedTakesNvlinkFiguresFromTheGpuChip) {
  // hgx-h100-8.json says "chip": 18 links x 25 GB/s, 1,000 ns (configs/gpus/h100-sxm.json).
  const SystemConfig s = load("hgx-h100-8.json");
  const auto tiers = s.topology->tiers(8, "test");
  ASSERT_EQ(tiers.size(), 1u);
  EXPECT_DOUBLE_EQ(tiers[0].gbytes_per_s, 18 * 25.0);
  EXPECT_DOUBLE_EQ(tiers[0].latency_ns, 1000.0);
  EXPECT_EQ(s.topology_params.integer("max_chips"), 8);
}

TEST(Collective, BusbwNeverExceedsTheBound) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"maia200-tray.json", 4},
      {"maia200-tray.json", 2},
      {"maia200-2trays.json", 8},
      {"hgx-h100-8.json", 8},
      {"maia200-cluster-6144.json", 96}};
  for (const auto& [file, n] : cases) {
    const SystemConfig s = load(file);
    for (const auto op : kOps)
      for (const auto& algo : algorithms_for(s, op, n))
        for (const double b : sizes()) {
          const auto e = run(s, op, n, b, algo);
          EXPECT_LE(e.busbw_gbps, e.bound_gbps * (1 + 1e-12))
              << file << " n=" << n << " " << collective_op_name(op) << " " << algo << " " << b;
        }
  }
}

TEST(Collective, TrayAllReduceBoundIsTheWeakestLinkTimesPeers) {
  // Direct: each rank sends B/4 to each peer over its own link (the 6-port one is last to
  // finish), twice (reduce-scatter, all-gather), and reduces 3 x B/4.
  const SystemConfig s = load("maia200-tray.json");
  const double b = kGiB;
  const double t = 2 * (b / 4) / kLink6 + 3 * (b / 4) / kReduceBf16;
  EXPECT_NEAR(run(s, CollectiveOp::kAllReduce, 4, b).bound_gbps, 1.5 * b / t, 1e-9 * b / t);
}

TEST(Collective, TwoTrayAllReduceBoundIsTheTrayLinks) {
  // Tier by tier: the tray links carry reduce-scatter + all-gather, 2 x 3/4 x B at 3 x 300 GB/s
  // (B/600 ns); the T0 carries the all-reduce of B/4 across 2 trays (B/1600 ns). The tray links
  // are busiest: busbw bound = 2 x 7/8 x 600 = 1050 GB/s.
  const SystemConfig s = load("maia200-2trays.json");
  EXPECT_NEAR(run(s, CollectiveOp::kAllReduce, 8, kGiB).bound_gbps, 1050.0, 1e-6);
}

TEST(Collective, LargeMessagesApproachTheBound) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {{"maia200-tray.json", 4},
                                                                   {"maia200-2trays.json", 8}};
  for (const auto& [file, n] : cases) {
    const SystemConfig s = load(file);
    for (const auto op :
         {CollectiveOp::kAllReduce, CollectiveOp::kAllGather, CollectiveOp::kAllToAll})
      for (double b = kGiB; b <= 8 * kGiB; b *= 2) {
        const auto e = run(s, op, n, b);
        EXPECT_GE(e.busbw_gbps, 0.9 * e.bound_gbps)
            << file << " " << collective_op_name(op) << " " << b;
      }
  }
}

TEST(Collective, SmallMessagesAreLatencyBound) {
  // 8 bytes: the time is the steps' latencies, within 1%.
  const SystemConfig tray = load("maia200-tray.json");
  const double tol = 0.01;
  EXPECT_NEAR(run(tray, CollectiveOp::kAllReduce, 4, 8, "direct").time_ns, 2 * kNic,
              tol * 2 * kNic);
  EXPECT_NEAR(run(tray, CollectiveOp::kAllReduce, 4, 8, "ring").time_ns, 6 * kNic, tol * 6 * kNic);
  EXPECT_NEAR(run(tray, CollectiveOp::kAllGather, 4, 8, "ring").time_ns, 3 * kNic, tol * 3 * kNic);
  const SystemConfig two = load("maia200-2trays.json");
  EXPECT_NEAR(run(two, CollectiveOp::kAllReduce, 8, 8, "direct").time_ns, 2 * kT0Hop,
              tol * 2 * kT0Hop);
  // Recursive doubling: partners 1 and 2 away in the tray, 4 away through the T0.
  EXPECT_NEAR(run(two, CollectiveOp::kAllReduce, 8, 8, "tree").time_ns, 2 * kNic + kT0Hop,
              tol * (2 * kNic + kT0Hop));
}

TEST(Collective, RingAllReduceMatchesTheClosedForm) {
  // 2(n-1) x (latency + (B/n)/bw) + (n-1) x (B/n)/reduce rate. On a tray the best ring uses
  // only 7-port links (0-2-1-3); across two trays it steps at the T0's latency, still paced by
  // the 350 GB/s tray links (the scale-out hop has 400).
  const double b = 64.0 * 1024 * 1024;
  const SystemConfig tray = load("maia200-tray.json");
  const double t4 = 2 * 3 * (kNic + b / 4 / kLink7) + 3 * (b / 4) / kReduceBf16;
  EXPECT_NEAR(run(tray, CollectiveOp::kAllReduce, 4, b, "ring").time_ns, t4, 1e-9 * t4);
  const SystemConfig two = load("maia200-2trays.json");
  const double t8 = 2 * 7 * (kT0Hop + b / 8 / kLink7) + 7 * (b / 8) / kReduceBf16;
  EXPECT_NEAR(run(two, CollectiveOp::kAllReduce, 8, b, "ring").time_ns, t8, 1e-9 * t8);
  const SystemConfig hgx = load("hgx-h100-8.json");
  const double reduce_h100 = 132 * 128 * 1.83 * 2;  // SMs x FP32 lanes x GHz x bf16 bytes
  const double th = 2 * 7 * (1000 + b / 8 / 450) + 7 * (b / 8) / reduce_h100;
  EXPECT_NEAR(run(hgx, CollectiveOp::kAllReduce, 8, b, "ring").time_ns, th, 1e-9 * th);
}

TEST(Collective, TwoTrayHierarchicalAndDirectMatchTheirClosedForms) {
  const SystemConfig s = load("maia200-2trays.json");
  const double b = 64.0 * 1024 * 1024;
  // Hierarchical all-reduce: reduce-scatter in the tray (3/4 B over 3 x 300 GB/s), across the
  // T0 (1/2 of B/4 at 400 GB/s), then all-gather back; k chunks overlap the phases, the tray
  // links, the scale-out ports and the vector units being separate resources.
  const double tray_w = 0.75 * b / 900, tray_r = 0.75 * b / kReduceBf16;
  const double t0_w = (b / 8) / kScaleOut, t0_r = (b / 8) / kReduceBf16;
  const double busiest = std::max({2 * tray_w, 2 * t0_w, tray_r + t0_r});
  double best = 1e300;
  for (int k = 1; k <= 256; k *= 2) {
    const double first = (kNic + (tray_w + tray_r) / k) + (kT0Hop + (t0_w + t0_r) / k) +
                         (kT0Hop + t0_w / k) + (kNic + tray_w / k);
    best = std::min(best, first + (k - 1.0) / k * busiest);
  }
  EXPECT_NEAR(run(s, CollectiveOp::kAllReduce, 8, b, "hierarchical").time_ns, best, 1e-9 * best);
  // Direct all-to-all: B/8 to each of 3 tray peers (3 x 300 GB/s) and to each of 4 peers through
  // the T0 (400 GB/s shared); the slower tier ends it.
  const double a2a = std::max(kNic + 3 * (b / 8) / 900, kT0Hop + 4 * (b / 8) / kScaleOut);
  EXPECT_NEAR(run(s, CollectiveOp::kAllToAll, 8, b, "direct").time_ns, a2a, 1e-9 * a2a);
}

TEST(Collective, HierarchicalBeatsRingAcrossAnOversubscribedTier) {
  const SystemConfig s = load("maia200-cluster-6144.json");
  for (const std::int64_t n : {96, 6144}) {
    const auto tiers = s.topology->tiers(n, "test");
    ASSERT_EQ(tiers.back().name, "t1");
    EXPECT_NEAR(tiers.back().gbytes_per_s, kT1, 1e-9);
    for (double b = kGiB; b <= 8 * kGiB; b *= 2)
      EXPECT_LT(run(s, CollectiveOp::kAllReduce, n, b, "hierarchical").time_ns,
                run(s, CollectiveOp::kAllReduce, n, b, "ring").time_ns)
          << n << " " << b;
  }
}

TEST(Collective, AutoPicksLatencyAlgorithmsSmallAndBandwidthAlgorithmsLarge) {
  for (const auto& [file, n] : std::vector<std::pair<std::string, std::int64_t>>{
           {"maia200-2trays.json", 8}, {"maia200-cluster-6144.json", 96}}) {
    const SystemConfig s = load(file);
    const std::string small = run(s, CollectiveOp::kAllReduce, n, 8).algorithm;
    EXPECT_TRUE(small == "tree" || small == "direct") << file << " " << small;
    const std::string large = run(s, CollectiveOp::kAllReduce, n, kGiB).algorithm;
    EXPECT_TRUE(large == "ring" || large == "hierarchical") << file << " " << large;
  }
  // A named algorithm overrides auto.
  const SystemConfig s = load("maia200-2trays.json");
  EXPECT_EQ(run(s, CollectiveOp::kAllReduce, 8, kGiB, "ring").algorithm, "ring");
}

TEST(Collective, FullClusterAllReduceIsBoundedByTheOversubscribedT1) {
  const SystemConfig s = load("maia200-cluster-6144.json");
  const double n = 6144;
  const auto start = std::chrono::steady_clock::now();
  for (const double b : sizes()) {
    const auto e = run(s, CollectiveOp::kAllReduce, 6144, b);
    EXPECT_GT(e.time_ns, 0);
    // Tier by tier: tray links B/600; the scale-out ports carry the T0 phase (12 trays,
    // 2 x 11/12 x B/4 at 400) and the T1 phase (128 T0 groups, 2 x 127/128 x B/48 at 400/3).
    const double tray = 2 * 0.75 * b / (3 * kLink6);
    const double scale_out = 2 * 11.0 / 12 * (b / 4) / kScaleOut + 2 * 127.0 / 128 * (b / 48) / kT1;
    const double bound = 2 * (n - 1) / n * b / std::max(tray, scale_out);
    EXPECT_LE(e.busbw_gbps, bound * (1 + 1e-12)) << b;
    EXPECT_NEAR(e.bound_gbps, bound, 1e-9 * bound) << b;
  }
  // All-to-all sends (n-48)/n of every buffer through the T1 at 400/3 GB/s per chip.
  const auto a2a = run(s, CollectiveOp::kAllToAll, 6144, 8 * kGiB);
  EXPECT_LE(a2a.busbw_gbps, kT1 * (n - 1) / (n - 48) * (1 + 1e-12));
  EXPECT_GE(a2a.busbw_gbps, 0.99 * kT1 * (n - 1) / (n - 48));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(wall, 0.1) << "31 sizes on 6,144 chips";
}

// Writes a system file into a fresh directory beside the shipped chip configs' absolute path.
std::string write_system(const std::string& name, const std::string& body) {
  const auto dir = std::filesystem::temp_directory_path() / "maia-collective-test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << body;
  return path.string();
}

void expect_input_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << " lacks " << p;
  }
}

TEST(Collective, BadInputsAreNamedErrors) {
  const std::string chip = std::string(MAIA_SOURCE_DIR) + "/configs/maia200.json";
  auto sys = [&](const std::string& name, const std::string& rest) {
    return write_system(name, "{\"chip\": \"" + chip + "\", " + rest + "}");
  };
  const auto missing = write_system(
      "missing.json", R"({"chip": "nope.json", "chips": 4, "topology": {"name": "fcq-tray"}})");
  expect_input_error([&] { load_system_config(missing); },
                     {"missing.json", "chip", "does not exist", "nope.json"});
  const auto unknown = sys("unknown.json", R"("chips": 4, "topology": {"name": "fcq-tary"})");
  expect_input_error([&] { load_system_config(unknown); },
                     {"topology.name", "unknown topology", "fcq-tray, maia-cluster, switched",
                      "did you mean 'fcq-tray'"});
  const auto ports =
      sys("ports.json",
          R"("chips": 8, "topology": {"name": "maia-cluster", "scaleout": {"planes": 8}})");
  expect_input_error([&] { load_system_config(ports); },
                     {"ports.json", "topology.scaleout", "more than the chip has", "8"});
  const auto tray = sys("tray.json", R"("chips": 5, "topology": {"name": "fcq-tray"})");
  expect_input_error([&] { load_system_config(tray); }, {"tray.json", "chips", "4 chips", "5"});
  const auto big = sys("big.json", R"("chips": 6148, "topology": {"name": "maia-cluster"})");
  expect_input_error([&] { load_system_config(big); },
                     {"big.json", "chips", "at most 6144", "6148"});
  const auto knob =
      sys("knob.json", R"("chips": 8, "topology": {"name": "maia-cluster", "t0": {"radix": "x"}})");
  expect_input_error([&] { load_system_config(knob); },
                     {"knob.json", "topology.t0.radix", "must be an integer", "\"x\""});
  const auto misspelt =
      sys("misspelt.json",
          R"("chips": 8, "topology": {"name": "maia-cluster", "t0": {"latncy_ns": 1}})");
  expect_input_error([&] { load_system_config(misspelt); },
                     {"topology.t0.latncy_ns", "did you mean 't0.latency_ns'"});
  const auto required =
      sys("required.json",
          R"("chips": 8, "topology": {"name": "switched", "latency_ns": 1, "max_chips": 8})");
  expect_input_error([&] { load_system_config(required); },
                     {"required.json", "topology.gbytes_per_s", "must give it"});
  const auto no_nvlink = sys("nvlink.json", R"("chips": 4, "topology": {"name": "switched",
      "gbytes_per_s": "chip", "latency_ns": 1, "max_chips": 8})");
  expect_input_error([&] { load_system_config(no_nvlink); },
                     {"nvlink.json", "topology.gbytes_per_s", "nvlink.links", "kind maia"});
  const auto no_reference =
      sys("reference.json",
          R"("chips": 8, "topology": {"name": "maia-cluster", "t0": {"radix": "chip"}})");
  expect_input_error([&] { load_system_config(no_reference); },
                     {"topology.t0.radix", "only by knobs read from the chip"});
  const SystemConfig two = load("maia200-2trays.json");
  expect_input_error([&] { run(two, CollectiveOp::kAllReduce, 16, 8); }, {"8 chips", "16"});
  expect_input_error([&] { run(two, CollectiveOp::kAllReduce, 6, 8); }, {"whole trays", "6"});
  expect_input_error([&] { run(two, CollectiveOp::kAllReduce, 8, 8, "rign"); },
                     {"unknown collective algorithm", "did you mean 'ring'"});
  const SystemConfig t = load("maia200-tray.json");
  expect_input_error([&] { run(t, CollectiveOp::kAllReduce, 4, 8, "hierarchical"); },
                     {"hierarchical", "two tiers"});
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
