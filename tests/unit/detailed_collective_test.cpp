// The detailed collective fidelity (the message schedule through the SystemC network) against
// the analytical model, and conservation of bytes. Bounds (docs/systems.md, "Agreement"):
//   latency-bound (8 B, 2 KiB)     within 2%: one header per packet and a few ns of HBM and
//                                   reduction per chunk are all the detailed run adds;
//   middle (512 KiB)               detailed 0 .. 15% slower: each message is whole packets of
//                                   16 KiB DMA chunks sprayed round-robin, so the last packets of
//                                   several flows collide at a port, where the model is fluid;
//   bandwidth-bound (64 MiB)       within 4%: the 74 B header per 4 KiB packet (1.8%) and the
//                                   pipeline fill of the chunks; the hierarchical schedule may
//                                   be up to 2% faster (its slices overlap latency and transfer,
//                                   which the closed form adds in series).
// The same on 32 chips (8 trays) for all-reduce; on 96 chips the T1 routing is checked by bytes.
// Conservation: every scheduled byte leaves a sender and reaches a receiver's HBM, and the
// bytes each link class carries are what the algorithm must move, written here in closed form.
#include <gtest/gtest.h>

#include <systemc>

#include <map>
#include <string>

#include "maia/core/error.hpp"
#include "maia/netsim/collective_fidelity.hpp"
#include "maia/system/system_config.hpp"

namespace maia {
namespace {

constexpr std::uint64_t kKiB = 1024, kMiB = 1024 * 1024;

SystemConfig load(const std::string& name) {
  return load_system_config(std::string(MAIA_SOURCE_DIR) + "/configs/systems/" + name);
}

CollectiveResult run(const std::string& fidelity, const SystemConfig& s, CollectiveOp op,
                     std::int64_t n, std::uint64_t bytes, const std::string& algo = "auto") {
  return find_collective_fidelity(fidelity, "test").run(s, op, n, bytes, DType::kBf16, algo);
}

void check_agreement(const SystemConfig& s, std::int64_t n) {
  for (const CollectiveOp op :
       {CollectiveOp::kAllReduce, CollectiveOp::kAllGather, CollectiveOp::kAllToAll}) {
    for (const std::uint64_t bytes : {std::uint64_t{8}, 2 * kKiB, 512 * kKiB, 64 * kMiB}) {
      const CollectiveResult a = run("analytical", s, op, n, bytes);
      const CollectiveResult d = run("detailed", s, op, n, bytes);
      const double ratio = d.estimate.time_ns / a.estimate.time_ns;
      const std::string what = std::string(collective_op_name(op)) + " " + std::to_string(bytes) +
                               " B on " + std::to_string(n) + " chips (" + a.estimate.algorithm +
                               ")";
      EXPECT_EQ(d.estimate.algorithm, a.estimate.algorithm) << what;
      if (bytes <= 2 * kKiB) {
        EXPECT_NEAR(ratio, 1.0, 0.02) << what;
      } else if (bytes <= 512 * kKiB) {
        EXPECT_GE(ratio, 1.0) << what;
        EXPECT_LE(ratio, 1.15) << what;
      } else {
        EXPECT_GE(ratio, 0.98) << what;
        EXPECT_LE(ratio, 1.04) << what;
      }
      // No fidelity beats the topology's bound.
      EXPECT_LE(d.estimate.busbw_gbps, d.estimate.bound_gbps * 1.0001) << what;
      EXPECT_EQ(d.sent_bytes, d.scheduled_bytes) << what;
      EXPECT_EQ(d.received_bytes, d.scheduled_bytes) << what;
    }
  }
}

TEST(DetailedCollective, AgreesWithTheAnalyticalModelOnATray) {
  check_agreement(load("maia200-tray.json"), 4);
}

TEST(DetailedCollective, AgreesWithTheAnalyticalModelOnTwoTrays) {
  check_agreement(load("maia200-2trays.json"), 8);
}

// Payload bytes per link class ("tray", "scaleout" up to the T0, and back down).
std::map<std::string, std::uint64_t> by_class(const CollectiveResult& r) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& l : r.links) {
    std::string k = l.tier;
    if (k == "scaleout") k += l.name.find("->t0") != std::string::npos ? " up" : " down";
    out[k] += l.payload_bytes;
  }
  return out;
}

TEST(DetailedCollective, ConservesBytesOnATray) {
  // direct all-gather of B on 4 chips: each chip sends its B/4 to each of 3 peers, over the
  // ports to that peer (6 or 7 of them).
  const SystemConfig s = load("maia200-tray.json");
  const std::uint64_t b = 4 * kMiB;
  const CollectiveResult r = run("detailed", s, CollectiveOp::kAllGather, 4, b, "direct");
  EXPECT_EQ(r.scheduled_bytes, 12 * (b / 4));
  EXPECT_EQ(r.sent_bytes, r.scheduled_bytes);
  EXPECT_EQ(r.received_bytes, r.scheduled_bytes);
  std::map<std::string, std::uint64_t> pair;  // "c0->c1": payload over all its ports
  std::map<std::string, int> ports;
  std::uint64_t wire = 0, payload = 0;
  for (const auto& l : r.links) {
    const std::string dir = l.name.substr(l.name.rfind(':') + 1);
    pair[dir] += l.payload_bytes;
    ports[dir] += 1;
    wire += l.wire_bytes;
    payload += l.payload_bytes;
  }
  ASSERT_EQ(pair.size(), 12u);  // every ordered pair of the 4 chips
  for (const auto& [dir, bytes] : pair) EXPECT_EQ(bytes, b / 4) << dir;
  EXPECT_EQ(ports["c0->c1"], 6);  // nic.tray_links 6/7/7: pairs 0-1, 2-3 have 6 ports
  EXPECT_EQ(ports["c0->c2"], 7);
  EXPECT_EQ(ports["c0->c3"], 7);
  // Headers: 74 B per 4 KiB packet.
  EXPECT_EQ(wire - payload, (payload / 4096) * 74);
}

TEST(DetailedCollective, ConservesBytesOnTwoTrays) {
  const SystemConfig s = load("maia200-2trays.json");
  const std::uint64_t b = 8 * kMiB;
  // direct all-to-all: B/8 to each of 7 peers; the 4 in the other tray over the scale-out ports
  // (up to the T0, down from it), the 3 in the own tray over the tray links.
  {
    const CollectiveResult r = run("detailed", s, CollectiveOp::kAllToAll, 8, b, "direct");
    EXPECT_EQ(r.scheduled_bytes, 8 * 7 * (b / 8));
    const auto c = by_class(r);
    EXPECT_EQ(c.at("tray"), 8 * 3 * (b / 8));
    EXPECT_EQ(c.at("scaleout up"), 8 * 4 * (b / 8));
    EXPECT_EQ(c.at("scaleout down"), 8 * 4 * (b / 8));
    // Every T0 egress port to a chip carries the same share (spraying over 4 planes x 2).
    for (const auto& p : r.switch_ports) EXPECT_EQ(p.egress_bytes, 4 * (b / 8) / 8) << p.egress;
  }
  // hierarchical all-reduce: reduce-scatter in the tray (3 x B/4 per chip), then across the T0
  // (B/8 per chip), then the same back: per chip 2 (3B/4) on tray links and 2 (B/8) up.
  {
    const CollectiveResult r = run("detailed", s, CollectiveOp::kAllReduce, 8, b, "hierarchical");
    const auto c = by_class(r);
    EXPECT_EQ(c.at("tray"), 8 * 2 * 3 * (b / 4));
    EXPECT_EQ(c.at("scaleout up"), 8 * 2 * (b / 8));
    EXPECT_EQ(c.at("scaleout down"), 8 * 2 * (b / 8));
    EXPECT_EQ(r.received_bytes, r.scheduled_bytes);
  }
}

TEST(DetailedCollective, AgreesOnThirtyTwoChips) {
  // 8 trays under the T0s: all-reduce, latency-bound (direct) and bandwidth-bound
  // (hierarchical in slices), within the bounds above.
  const SystemConfig s = load("maia200-8trays.json");
  for (const std::uint64_t bytes : {std::uint64_t{8}, 64 * kMiB}) {
    const CollectiveResult a = run("analytical", s, CollectiveOp::kAllReduce, 32, bytes);
    const CollectiveResult d = run("detailed", s, CollectiveOp::kAllReduce, 32, bytes);
    const double ratio = d.estimate.time_ns / a.estimate.time_ns;
    EXPECT_GE(ratio, bytes == 8 ? 1.0 : 0.98) << bytes;
    EXPECT_LE(ratio, bytes == 8 ? 1.02 : 1.04) << bytes;
    EXPECT_EQ(d.received_bytes, d.scheduled_bytes);
  }
}

TEST(DetailedCollective, RoutesThroughTheT1BeyondOneT0Group) {
  // 96 chips: two T0 groups of 48. direct all-to-all with 4 KiB to every peer: 48 x 48 shares
  // cross from each group to the other, up each T0 to the T1s of its plane (the only path), and
  // 47 x 4 KiB reach every chip from beyond its tray, over its scale-out ports.
  const SystemConfig s = load("maia200-cluster-6144.json");
  const std::uint64_t share = 4 * kKiB;
  const CollectiveResult r = run("detailed", s, CollectiveOp::kAllToAll, 96, 96 * share, "direct");
  std::map<std::string, std::uint64_t> c = by_class(r);
  std::uint64_t t0_to_t1 = 0, t1_to_t0 = 0;
  for (const auto& l : r.links)
    if (l.tier == "up")
      (l.name.find("->t1") != std::string::npos ? t0_to_t1 : t1_to_t0) += l.payload_bytes;
  EXPECT_EQ(t0_to_t1, 2 * 48 * 48 * share);
  EXPECT_EQ(t1_to_t0, 2 * 48 * 48 * share);
  EXPECT_EQ(c.at("scaleout down"), 96 * (95 - 3) * share);
  EXPECT_EQ(c.at("tray"), 96 * 3 * share);
  EXPECT_EQ(r.received_bytes, 96 * 95 * share);
  // At least one trip through T0, T1 and T0: 900 + 3 x 600 ns.
  EXPECT_GE(r.estimate.time_ns, 2700);
}

TEST(DetailedCollective, EveryAlgorithmRunsEveryOpItSupports) {
  // Each algorithm's schedule completes, moves what it scheduled and takes at least one
  // message latency (900 ns through the tray, 1,500 ns through the T0).
  const SystemConfig s = load("maia200-2trays.json");
  for (const CollectiveOp op :
       {CollectiveOp::kAllReduce, CollectiveOp::kAllGather, CollectiveOp::kReduceScatter,
        CollectiveOp::kAllToAll, CollectiveOp::kBroadcast, CollectiveOp::kSendRecv})
    for (const std::string algo : {"ring", "direct", "hierarchical", "tree"}) {
      CollectiveResult r;
      try {
        (void)run("analytical", s, op, 8, kMiB, algo);
      } catch (const InputError&) {
        continue;  // the algorithm cannot run this op
      }
      r = run("detailed", s, op, 8, kMiB, algo);
      EXPECT_GE(r.estimate.time_ns, 1500) << algo << " " << collective_op_name(op);
      EXPECT_GT(r.scheduled_bytes, 0u);
      EXPECT_EQ(r.received_bytes, r.scheduled_bytes) << algo << " " << collective_op_name(op);
    }
}

TEST(DetailedCollective, UnknownFidelityIsANamedError) {
  try {
    (void)find_collective_fidelity("detialed", "--fidelity");
    FAIL() << "accepted an unknown fidelity";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("analytical, detailed"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'detailed'"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
