// The SystemC network (hw/net) in closed form: one message over one link takes the latency plus
// its wire bytes (payload and one header per packet) at the link's bandwidth; two messages into
// one switch egress port are serialised there; a message sprayed over k parallel links moves at
// k times one link's bandwidth. Expected values are written here from the parameters, never read
// from the code under test.
#include <gtest/gtest.h>

#include <systemc>

#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/net/fabric.hpp"

namespace maia {
namespace {

constexpr double kPort = 50;        // GB/s = bytes per ns
constexpr double kLatency = 900;    // ns, memory to memory
constexpr double kSwitchLat = 600;  // ns
constexpr std::uint64_t kMiB = 1 << 20;
constexpr double kPacket = 4096, kHeader = 74;

FabricSpec::Endpoint endpoint(const std::string& name) {
  // HBM and reductions so fast they add a few ps; chunks of 16 KiB as the NIC DMA's.
  return {name, 1e9, 1e9, 16384, kLatency};
}

FabricSpec base(int endpoints, const std::string& spray = "least-loaded") {
  FabricSpec s;
  for (int i = 0; i < endpoints; ++i) s.endpoints.push_back(endpoint(fmt::format("c{}", i)));
  s.transport.packet_bytes = static_cast<std::uint64_t>(kPacket);
  s.transport.header_bytes = static_cast<std::uint64_t>(kHeader);
  s.transport.spray = spray;
  return s;
}

double ns(Picos p) { return static_cast<double>(p) / 1000.0; }

// Bytes on the wire for `payload` bytes: one header per started packet.
double wire(double payload) { return payload + std::ceil(payload / kPacket) * kHeader; }

TEST(Network, OneMessageOverOneLinkIsLatencyPlusWireBytesOverBandwidth) {
  FabricSpec s = base(2);
  s.links.push_back({"l", 0, 1, kPort, 0});
  Fabric f(s, "test");
  const std::uint64_t bytes = kMiB;
  const Picos done = f.send(0, {{1, bytes}}, 0).at(0);
  const double expect = kLatency + static_cast<double>(bytes) * (1 + kHeader / kPacket) / kPort;
  EXPECT_NEAR(ns(done), expect, 0.01);
  const LinkDirection& d = f.links()[0]->forward();
  EXPECT_EQ(d.payload_bytes(), bytes);
  EXPECT_EQ(d.wire_bytes(), static_cast<std::uint64_t>(wire(bytes)));
  EXPECT_EQ(d.packets(), bytes / 4096);
  EXPECT_EQ(f.links()[0]->backward().packets(), 0u);  // the other direction is idle
  // A 100-byte message: one packet with its header.
  Fabric g(s, "test");
  EXPECT_NEAR(ns(g.send(0, {{1, 100}}, 0).at(0)), kLatency + (100 + kHeader) / kPort, 0.01);
}

TEST(Network, TwoMessagesIntoOneEgressAreSerialised) {
  // c0 and c1 each send M to c2 through one switch: their links run in parallel, the switch's
  // egress to c2 carries both, one after the other (incast).
  FabricSpec s = base(3);
  s.switches.push_back({"sw", kSwitchLat});
  for (int c = 0; c < 3; ++c) s.links.push_back({fmt::format("l{}", c), c, 3, kPort, 0});
  Fabric f(s, "test");
  const std::uint64_t m = 4 * kMiB;
  const Picos a = f.send(0, {{2, m}}, 0).at(0);
  const Picos b = f.send(1, {{2, m}}, 0).at(0);
  const double one = wire(static_cast<double>(m)) / kPort;
  EXPECT_NEAR(ns(std::max(a, b)), kLatency + kSwitchLat + 2 * one, 0.02 * one);
  EXPECT_GT(ns(std::max(a, b)), kLatency + kSwitchLat + 1.9 * one);
  // The egress port saw both messages and queued the second.
  const auto& ports = f.switches()[0]->ports();
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[2].egress->payload_bytes(), 2 * m);
  EXPECT_GT(ns(ports[2].egress->wait_ps()), 0.5 * one);
  EXPECT_NEAR(ns(ports[2].egress->busy_ps()), 2 * one, 0.01);
  // One message alone takes half as long on the wire.
  Fabric g(s, "test");
  EXPECT_NEAR(ns(g.send(0, {{2, m}}, 0).at(0)), kLatency + kSwitchLat + one, 0.01);
}

TEST(Network, SprayingOverKLinksGivesKTimesTheBandwidth) {
  for (const std::string spray : {"round-robin", "least-loaded"})
    for (const int k : {1, 2, 6, 7}) {
      FabricSpec s = base(2, spray);
      for (int i = 0; i < k; ++i) s.links.push_back({fmt::format("l{}", i), 0, 1, kPort, 0});
      Fabric f(s, "test");
      const std::uint64_t m = 8 * kMiB;
      const double t = ns(f.send(0, {{1, m}}, 0).at(0));
      const double expect = kLatency + wire(static_cast<double>(m)) / (k * kPort);
      // Within one packet's time on one link (the last packets' split over the k links).
      EXPECT_NEAR(t, expect, (kPacket + kHeader) / kPort) << spray << " k=" << k;
      std::uint64_t payload = 0;
      for (const auto& l : f.links()) {
        payload += l->forward().payload_bytes();
        EXPECT_NEAR(static_cast<double>(l->forward().payload_bytes()), static_cast<double>(m) / k,
                    kPacket)
            << spray << " k=" << k;  // evenly sprayed
      }
      EXPECT_EQ(payload, m);
    }
}

TEST(Network, OutOfOrderReceiveCompletesAtTheLastPacket) {
  // Round-robin over a 50 GB/s and a 25 GB/s link: packets alternate, those on the fast link
  // (later ones included) arrive early, and the message completes when the slow link's last
  // packet is in: half the wire bytes at 25 GB/s.
  FabricSpec s = base(2, "round-robin");
  s.links.push_back({"fast", 0, 1, kPort, 0});
  s.links.push_back({"slow", 0, 1, kPort / 2, 0});
  Fabric f(s, "test");
  const std::uint64_t m = kMiB;
  const double t = ns(f.send(0, {{1, m}}, 0).at(0));
  EXPECT_NEAR(t, kLatency + wire(static_cast<double>(m)) / 2 / (kPort / 2), 0.01);
  EXPECT_EQ(f.links()[0]->forward().payload_bytes(), m / 2);
  EXPECT_EQ(f.links()[1]->forward().payload_bytes(), m / 2);
  // The fast link finished in half that wire time.
  EXPECT_NEAR(ns(f.links()[0]->forward().busy_ps()), wire(static_cast<double>(m)) / 2 / kPort,
              0.01);
}

TEST(Network, UnknownSprayPolicyAndUnreachableChipAreNamedErrors) {
  FabricSpec s = base(2, "random");
  s.links.push_back({"l", 0, 1, kPort, 0});
  try {
    Fabric f(s, "sys.json");
    FAIL() << "accepted an unknown spray policy";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("round-robin, least-loaded"), std::string::npos);
  }
  FabricSpec t = base(3);
  t.links.push_back({"l", 0, 1, kPort, 0});
  EXPECT_THROW(Fabric(t, "sys.json"), InputError);
}

TEST(Network, ChipsDoNotForward) {
  // c0 - c1 - c2 in a line: c0 cannot reach c2 through c1 (chips are not routers).
  FabricSpec s = base(3);
  s.links.push_back({"a", 0, 1, kPort, 0});
  s.links.push_back({"b", 1, 2, kPort, 0});
  EXPECT_THROW(Fabric(s, "sys.json"), InputError);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
