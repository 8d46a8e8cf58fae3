// Building blocks without a running simulation (simulated time stays 0): the occupancy server
// and its paced reservations, banked SRAM bandwidth and conflicts, datatype storage sizes, the
// GNOC's XY routes and link sharing, and the PCIe payload-rate formula.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/core/transfer_stage.hpp"
#include "maia/hw/host/host_interface.hpp"
#include "maia/hw/noc/gnoc.hpp"
#include "maia/hw/tile/tile_dma.hpp"

namespace maia {
namespace {

// ---------------------------------------------------------------------------------------------
// OccupancyServer

TEST(OccupancyServer, BackToBackReservationsSerialize) {
  OccupancyServer s;
  const Reservation a = s.reserve(0, 100);
  const Reservation b = s.reserve(0, 100);
  const Reservation c = s.reserve(50, 10);
  EXPECT_EQ(a.start, 0);
  EXPECT_EQ(a.end, 100);
  EXPECT_EQ(b.start, 100);
  EXPECT_EQ(b.end, 200);
  EXPECT_EQ(c.start, 200);
  EXPECT_EQ(c.end, 210);
  EXPECT_EQ(s.busy_ps(), 210);
  EXPECT_EQ(s.wait_ps(), (100 - 0) + (200 - 50));
  EXPECT_EQ(s.uses(), 3u);
  EXPECT_EQ(s.free_at(), 210);
}

TEST(OccupancyServer, LaterRequestFillsIdleGapBeforeFutureBooking) {
  OccupancyServer s;
  const Reservation future = s.reserve(1000, 100);  // booked ahead: [1000, 1100)
  EXPECT_EQ(future.start, 1000);
  EXPECT_EQ(s.wait_ps(), 0);
  const Reservation early = s.reserve(0, 100);  // fits before it
  EXPECT_EQ(early.start, 0);
  EXPECT_EQ(early.end, 100);
  const Reservation exact = s.reserve(100, 900);  // exactly fills [100, 1000)
  EXPECT_EQ(exact.start, 100);
  EXPECT_EQ(exact.end, 1000);
  const Reservation too_long = s.reserve(0, 50);  // no gap left before 1100
  EXPECT_EQ(too_long.start, 1100);
  EXPECT_EQ(s.wait_ps(), 1100);
  EXPECT_EQ(s.free_at(), 1150);
  EXPECT_EQ(s.busy_ps(), 100 + 100 + 900 + 50);
}

TEST(OccupancyServer, GapTooShortIsSkipped) {
  OccupancyServer s;
  s.reserve(0, 100);
  s.reserve(150, 100);                      // idle [100, 150)
  const Reservation r = s.reserve(90, 60);  // 50 ps gap is too short for 60
  EXPECT_EQ(r.start, 250);
  const Reservation fits = s.reserve(90, 50);
  EXPECT_EQ(fits.start, 100);
  EXPECT_EQ(fits.end, 150);
}

TEST(OccupancyServer, BytesAndZeroDuration) {
  OccupancyServer s;
  s.reserve_bytes(0, 10, 64);
  s.reserve_bytes(0, 10, 32);
  EXPECT_EQ(s.bytes(), 96u);
  const Reservation z = s.reserve(5, 0);
  EXPECT_EQ(z.start, 20);  // a zero-length use still starts when the resource is free
  EXPECT_EQ(z.end, z.start);
}

TEST(OccupancyServer, PacedReservationLeavesGapsForOthers) {
  OccupancyServer s;
  // Input trickles in over 1000 ps, the stage needs only 100: the booking is sliced over the
  // window, starts with the first byte and cannot end before the last byte has arrived.
  const Reservation r = reserve_paced(s, {0, 1000}, 100, 4096);
  EXPECT_EQ(r.start, 0);
  EXPECT_EQ(r.end, 1000);
  EXPECT_EQ(s.busy_ps(), 100);
  EXPECT_EQ(s.bytes(), 4096u);  // bytes counted once, not per slice
  // Another user gets the idle time between the slices instead of waiting for the window.
  const Reservation other = s.reserve(0, 200);
  EXPECT_LT(other.end, 1000);
  EXPECT_GE(other.start, 0);
}

TEST(OccupancyServer, PacedReservationWithShortWindowIsOneBooking) {
  OccupancyServer s;
  // Window not longer than twice the duration: one booking from the first byte.
  const Reservation r = reserve_paced(s, {10, 150}, 100, 1);
  EXPECT_EQ(r.start, 10);
  EXPECT_EQ(r.end, 150);  // the last byte arrives at 150, after the 110 the stage needs
  const Reservation q = s.reserve(0, 50);
  EXPECT_EQ(q.start, 110);  // [10, 110) is taken; [0, 10) too short
  // A busy stage delays a paced booking.
  OccupancyServer busy;
  busy.reserve(0, 500);
  const Reservation late = reserve_paced(busy, {0, 10}, 100, 1);
  EXPECT_EQ(late.start, 500);
  EXPECT_EQ(late.end, 600);
}

// ---------------------------------------------------------------------------------------------
// BankedSram

SramConfig sram_cfg() {
  SramConfig c;
  c.bytes = 1 << 22;
  c.banks = 16;
  c.bank_width_bytes = 64;
  c.interleave_bytes = 256;
  c.latency_cycles = 4;
  return c;
}

constexpr double kGhz = 2.0;

TEST(BankedSram, SpreadAccessUsesAllBanks) {
  const SramConfig c = sram_cfg();
  BankedSram s("spread", c, kGhz);
  const std::uint64_t bytes = 64 * 1024;  // 16 whole rotations over the banks
  const Flow f = s.access(0, bytes, false, {0, 0});
  const Picos lat = cycles_to_ps(static_cast<double>(c.latency_cycles), kGhz);
  const double all_banks = static_cast<double>(c.banks * c.bank_width_bytes) * kGhz;
  EXPECT_EQ(f.last, transfer_ps(static_cast<double>(bytes), all_banks) + lat);
  EXPECT_EQ(f.first, lat);
  EXPECT_DOUBLE_EQ(s.peak_gbps(), all_banks);
  EXPECT_EQ(s.read_bytes(), bytes);
  EXPECT_EQ(s.write_bytes(), 0u);
}

TEST(BankedSram, SingleBankAccessIsBanksTimesSlower) {
  SramConfig one = sram_cfg();
  const std::uint64_t bytes = 64 * 1024;
  one.interleave_bytes = static_cast<std::int64_t>(bytes);  // the whole access maps to bank 0
  BankedSram spread("spread", sram_cfg(), kGhz), single("single", one, kGhz);
  const Picos lat = cycles_to_ps(static_cast<double>(one.latency_cycles), kGhz);
  const Picos t_spread = spread.access(0, bytes, true, {0, 0}).last - lat;
  const Picos t_single = single.access(0, bytes, true, {0, 0}).last - lat;
  EXPECT_EQ(t_single, transfer_ps(static_cast<double>(bytes),
                                  static_cast<double>(one.bank_width_bytes) * kGhz));
  EXPECT_EQ(t_single, one.banks * t_spread);
}

TEST(BankedSram, ConcurrentAccessesToOneBankQueue) {
  const SramConfig c = sram_cfg();
  BankedSram s("conflict", c, kGhz);
  const auto il = static_cast<std::uint64_t>(c.interleave_bytes);
  const Picos lat = cycles_to_ps(static_cast<double>(c.latency_cycles), kGhz);
  const Picos one =
      transfer_ps(static_cast<double>(il), static_cast<double>(c.bank_width_bytes) * kGhz);
  const Flow a = s.access(0, il, false, {0, 0});  // bank 0
  const Flow b =
      s.access(il * static_cast<std::uint64_t>(c.banks), il, false, {0, 0});  // bank 0 again
  const Flow d = s.access(il, il, false, {0, 0});                             // bank 1: no conflict
  EXPECT_EQ(a.last, one + lat);
  EXPECT_EQ(b.last, 2 * one + lat);
  EXPECT_EQ(d.last, one + lat);
}

TEST(BankedSram, UnalignedAccessCountsEveryByteOnce) {
  const SramConfig c = sram_cfg();
  BankedSram s("unaligned", c, kGhz);
  // 100 bytes into bank 0 ... ending 37 bytes into a later unit, over more than two rotations.
  const std::uint64_t addr = 100, bytes = 3 * 16 * 256 + 37;
  const Flow f = s.access(addr, bytes, false, {0, 0});
  EXPECT_EQ(s.read_bytes(), bytes);
  const Picos lat = cycles_to_ps(static_cast<double>(c.latency_cycles), kGhz);
  // The busiest bank holds at most ceil(bytes / banks) rounded up to whole units plus a partial.
  const double bank_gbps = static_cast<double>(c.bank_width_bytes) * kGhz;
  EXPECT_GE(f.last - lat,
            transfer_ps(static_cast<double>(bytes) / static_cast<double>(c.banks), bank_gbps));
  EXPECT_LE(
      f.last - lat,
      transfer_ps(static_cast<double>(bytes) / static_cast<double>(c.banks) + 256, bank_gbps));
}

// ---------------------------------------------------------------------------------------------
// dtype

TEST(DType, StorageBytes) {
  EXPECT_EQ(dtype_bytes(DType::kFp8, 1000), 1000u);
  EXPECT_EQ(dtype_bytes(DType::kBf16, 1000), 2000u);
  EXPECT_EQ(dtype_bytes(DType::kFp16, 1000), 2000u);
  EXPECT_EQ(dtype_bytes(DType::kFp32, 1000), 4000u);
  // FP4: half a byte per element plus one scale byte per block of 32 elements.
  EXPECT_EQ(dtype_bytes(DType::kFp4, kMxBlockElements), kMxBlockElements / 2 + 1u);
  EXPECT_EQ(dtype_bytes(DType::kFp4, 64), 32u + 2u);
  EXPECT_EQ(dtype_bytes(DType::kFp4, 33), 17u + 2u);  // partial block: its own scale byte
  EXPECT_EQ(dtype_bytes(DType::kFp4, 1), 1u + 1u);
  EXPECT_EQ(dtype_bytes(DType::kFp4, 0), 0u);
  for (DType t : {DType::kFp4, DType::kFp8, DType::kBf16, DType::kFp16, DType::kFp32}) {
    EXPECT_EQ(parse_dtype(dtype_name(t)), t);
    EXPECT_EQ(dtype_bytes(t, 32 * 1024) * 8, static_cast<std::uint64_t>(dtype_bits(t)) * 32 * 1024 +
                                                 (t == DType::kFp4 ? 8 * 1024 : 0));
  }
  EXPECT_FALSE(parse_dtype("int8").has_value());
  EXPECT_TRUE(dtype_is_narrow_for_tvp(DType::kBf16));
  EXPECT_FALSE(dtype_is_narrow_for_tvp(DType::kFp32));
}

TEST(DType, ConvertingCopyReencodesElements) {
  // dtype_elements inverts dtype_bytes (FP4 scale bytes are not elements).
  for (DType t : {DType::kFp4, DType::kFp8, DType::kBf16, DType::kFp16, DType::kFp32})
    for (std::uint64_t e : {32u, 64u, 1024u})
      EXPECT_EQ(dtype_elements(t, dtype_bytes(t, e)), e) << dtype_name(t);
  EXPECT_EQ(converted_bytes(DType::kFp32, DType::kBf16, 4096), dtype_bytes(DType::kBf16, 1024));
  EXPECT_EQ(converted_bytes(DType::kFp8, DType::kFp4, 64), dtype_bytes(DType::kFp4, 64));
  EXPECT_EQ(converted_bytes(DType::kFp4, DType::kFp8, dtype_bytes(DType::kFp4, 64)), 64u);
  EXPECT_EQ(converted_bytes(DType::kBf16, DType::kBf16, 123), 123u);
  Instruction in;
  in.op = OpCode::kCopy;
  in.bytes = 4096;
  in.src_dtype = DType::kFp32;
  in.dst_dtype = DType::kBf16;
  in.convert = true;
  EXPECT_EQ(copy_dst_bytes(in), dtype_bytes(DType::kBf16, 1024));
  in.convert = false;
  EXPECT_EQ(copy_dst_bytes(in), in.bytes);
}

// ---------------------------------------------------------------------------------------------
// GNOC

TEST(Gnoc, XyRoutesHaveManhattanLength) {
  const GnocConfig g;
  Gnoc noc("gnoc_routes", g);
  const std::int64_t routers = g.mesh_cols * g.mesh_rows;
  for (std::int64_t a = 0; a < routers; ++a) {
    for (std::int64_t b = 0; b < routers; ++b) {
      const std::int64_t manhattan =
          std::abs(a % g.mesh_cols - b % g.mesh_cols) + std::abs(a / g.mesh_cols - b / g.mesh_cols);
      const std::vector<int> r = noc.route(a, b);
      EXPECT_EQ(static_cast<std::int64_t>(r.size()), manhattan) << a << "->" << b;
      // XY: the reverse route uses different (opposite-direction) links.
      if (a != b) {
        EXPECT_NE(r, noc.route(b, a));
      }
    }
  }
  // X first: 0 -> (cols-1, rows-1) shares its first link with 0 -> (cols-1, 0).
  const std::int64_t corner = routers - 1, east_end = g.mesh_cols - 1;
  ASSERT_GT(g.mesh_cols, 1);
  EXPECT_EQ(noc.route(0, corner).front(), noc.route(0, east_end).front());
  const int e0 = noc.add_endpoint("a", 0), e1 = noc.add_endpoint("b", corner);
  EXPECT_EQ(noc.hops(e0, e1), (g.mesh_cols - 1) + (g.mesh_rows - 1) + 2);  // + injection, ejection
  EXPECT_DOUBLE_EQ(noc.link_gbps(NocPlane::kData), noc_link_gbps(g));
  EXPECT_DOUBLE_EQ(noc.link_gbps(NocPlane::kControl),
                   static_cast<double>(g.control_link_bytes_per_cycle) * g.clock_ghz);
}

TEST(Gnoc, FlowsSharingALinkSerialize) {
  const GnocConfig g;
  ASSERT_GE(g.mesh_cols, 3);
  Gnoc noc("gnoc_share", g);
  // a -> b along the top row; c -> d on the bottom row shares nothing with it.
  const int a = noc.add_endpoint("a", 0), b = noc.add_endpoint("b", 2);
  const std::int64_t bottom = (g.mesh_rows - 1) * g.mesh_cols;
  const int c = noc.add_endpoint("c", bottom), d = noc.add_endpoint("d", bottom + 2);
  const std::uint64_t bytes = 4 << 20;
  const Picos dur = transfer_ps(static_cast<double>(bytes),
                                static_cast<double>(g.data_link_bytes_per_cycle) * g.clock_ghz);
  const Picos hop = cycles_to_ps(
      static_cast<double>(g.router_latency_cycles + g.link_latency_cycles), g.clock_ghz);
  const Flow f1 = noc.transfer(a, b, bytes, {0, 0});
  const Flow f2 = noc.transfer(a, b, bytes, {0, 0});  // same links, same time
  const Flow f3 = noc.transfer(c, d, bytes, {0, 0});  // disjoint links
  const auto links = static_cast<Picos>(noc.hops(a, b));
  EXPECT_EQ(f1.last, dur + links * hop);
  EXPECT_EQ(f2.last - f1.last, dur);  // queued behind the first on every link
  EXPECT_NEAR(static_cast<double>(f2.last) / static_cast<double>(f1.last), 2.0, 0.01);
  EXPECT_EQ(f3.last, f1.last);
  std::vector<StatGroup> stats;
  noc.collect_stats(stats);
  EXPECT_DOUBLE_EQ(stats[0].get("data_link_bytes"),
                   static_cast<double>(bytes) * static_cast<double>(2 * links + noc.hops(c, d)));
  EXPECT_GT(stats[0].get("data_link_wait_ns"), 0.0);
}

TEST(Gnoc, ControlMessageLatency) {
  const GnocConfig g;
  Gnoc noc("gnoc_ctrl", g);
  const int a = noc.add_endpoint("a", 0), b = noc.add_endpoint("b", g.mesh_cols * g.mesh_rows - 1);
  const Picos hop = cycles_to_ps(
      static_cast<double>(g.router_latency_cycles + g.link_latency_cycles), g.clock_ghz);
  const Picos msg = transfer_ps(static_cast<double>(g.control_message_bytes),
                                static_cast<double>(g.control_link_bytes_per_cycle) * g.clock_ghz);
  EXPECT_EQ(noc.control_message(a, b, 1000), 1000 + noc.hops(a, b) * hop + msg);
  // The control plane is separate: bulk data on the same route does not delay messages.
  noc.transfer(a, b, 1 << 20, {0, 0});
  EXPECT_EQ(noc.control_message(a, b, 2000), 2000 + noc.hops(a, b) * hop + msg);
}

// ---------------------------------------------------------------------------------------------
// PCIe host interface

TEST(HostInterface, PayloadRateFormula) {
  const PcieConfig p;
  HostInterface host("host_formula", p, 2.0);
  const double raw = static_cast<double>(p.lanes) * p.gtps_per_lane / 8.0;
  const double mps = static_cast<double>(p.max_payload_bytes);
  EXPECT_DOUBLE_EQ(host.raw_gbps(), raw);
  EXPECT_DOUBLE_EQ(pcie_raw_gbps(p), raw);
  EXPECT_DOUBLE_EQ(host.payload_gbps(), raw * p.encoding_efficiency * mps /
                                            (mps + static_cast<double>(p.tlp_overhead_bytes)));
  EXPECT_LT(host.payload_gbps(), raw);
  EXPECT_EQ(host.latency(), ns_to_ps(p.latency_ns));
}

TEST(HostInterface, LinkTransferPaysHeadersAndLatency) {
  const PcieConfig p;
  HostInterface host("host_link", p, 2.0);
  const std::uint64_t bytes = 1 << 20;
  const auto mps = static_cast<std::uint64_t>(p.max_payload_bytes);
  const std::uint64_t wire =
      bytes + (bytes + mps - 1) / mps * static_cast<std::uint64_t>(p.tlp_overhead_bytes);
  const Flow f = host.link_transfer(PcieDirection::kHostToDevice, bytes, {0, 0});
  EXPECT_EQ(f.last, transfer_ps(static_cast<double>(wire),
                                p.lanes * p.gtps_per_lane / 8.0 * p.encoding_efficiency) +
                        host.latency());
  // The achieved payload rate never beats the payload ceiling.
  EXPECT_LE(gbytes_per_s(static_cast<double>(bytes), f.last - host.latency()),
            host.payload_gbps() * (1 + 1e-12));
  // The other direction is an independent link.
  const Flow back = host.link_transfer(PcieDirection::kDeviceToHost, bytes, {0, 0});
  EXPECT_EQ(back.last, f.last);
  // A second transfer the same way queues.
  const Flow again = host.link_transfer(PcieDirection::kHostToDevice, bytes, {0, 0});
  EXPECT_EQ(again.last - f.last, f.last - host.latency());
}

TEST(HostInterface, CommandIsLinkLatencyAndFirmware) {
  const PcieConfig p;
  const double ghz = 2.0;
  HostInterface host("host_cmd", p, ghz);
  const std::uint64_t bytes = 64;
  const std::uint64_t wire = bytes + static_cast<std::uint64_t>(p.tlp_overhead_bytes);
  const Picos link = transfer_ps(static_cast<double>(wire),
                                 p.lanes * p.gtps_per_lane / 8.0 * p.encoding_efficiency);
  const Picos fw = cycles_to_ps(static_cast<double>(p.command_processing_cycles), ghz);
  const Picos done = host.command(bytes, 500);
  EXPECT_EQ(done, 500 + link + host.latency() + fw);
  // The control processor handles one command at a time.
  const Picos second = host.command(bytes, 500);
  EXPECT_EQ(second, done + fw);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
