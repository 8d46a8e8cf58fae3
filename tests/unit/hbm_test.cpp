// HBM3e subsystem: address map, pseudo-channel timing and the TLM target. Expected values are
// closed forms of the configured timings, so the tests follow the config instead of numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include "hbm_locations.hpp"
#include "maia/config/chip_config.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/core/error.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"
#include "maia/hw/hbm/hbm_subsystem.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/hw/hbm/pseudo_channel.hpp"

namespace maia {
namespace {

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;

// Capacity of configs/maia200.json (HbmConfig's defaults) written out by hand: 6 stacks x 16
// channels x 2 pseudo-channels x 3 SIDs x 4 bank groups x 4 banks x 24576 rows x 1024-byte rows
// = 231,928,233,984 bytes = 216 GiB, i.e. six 12-high 36 GiB stacks (../shared/spec/hbm3e.md).
constexpr std::uint64_t kMaia200HbmBytes = 6ull * 16 * 2 * 3 * 4 * 4 * 24576 * 1024;
static_assert(kMaia200HbmBytes == 231928233984ull && kMaia200HbmBytes == 6 * 36 * kGiB);

// ---------------------------------------------------------------------------------------------
// Address map

TEST(HbmAddressMap, CapacityIsTheConfiguredGeometry) {
  HbmConfig cfg;
  HbmAddressMap map(cfg);
  EXPECT_EQ(map.capacity_bytes(), kMaia200HbmBytes);
  EXPECT_EQ(map.radix(HbmField::kColumn), 4u);  // 1024-byte row / 256-byte interleave unit
  EXPECT_EQ(map.bursts_per_unit(), 8u);         // 256-byte unit / 32-byte BL8 burst
  // The spec's worked example (../shared/spec/hbm3e.md): 16 Gb dies 8-high give a 16 GB stack,
  // 2 PCs x 2 SIDs x 16 banks x 16384 rows x 1 KB = 8 Gb per channel, 16 channels.
  HbmConfig eight_high;
  eight_high.stacks = 1;
  eight_high.sids = 2;
  eight_high.rows_per_bank = 16384;
  EXPECT_EQ(HbmAddressMap(eight_high).capacity_bytes(), 16 * kGiB);
}

// The one capacity function (config/hbm_capacity.hpp) that every layer asks: the hand-written
// figures above, and exactly the addresses the map can form (its last unit ends there).
TEST(HbmCapacity, ConfigFunctionMatchesHandFiguresAndTheMap) {
  HbmConfig cfg;
  EXPECT_EQ(hbm_capacity_bytes(cfg), kMaia200HbmBytes);
  HbmConfig eight_high;
  eight_high.stacks = 1;
  eight_high.sids = 2;
  eight_high.rows_per_bank = 16384;
  EXPECT_EQ(hbm_capacity_bytes(eight_high), 16 * kGiB);
  cfg.address_hash = "none";  // the last unit is every digit at its largest
  const HbmAddressMap map(cfg);
  HbmLocation last;
  last.stack = static_cast<std::uint32_t>(cfg.stacks - 1);
  last.channel = static_cast<std::uint32_t>(cfg.channels_per_stack - 1);
  last.pseudo_channel = static_cast<std::uint32_t>(cfg.pseudo_channels - 1);
  last.sid = static_cast<std::uint32_t>(cfg.sids - 1);
  last.bank_group = static_cast<std::uint32_t>(cfg.bank_groups - 1);
  last.bank = static_cast<std::uint32_t>(cfg.banks_per_group - 1);
  last.column = static_cast<std::uint32_t>(cfg.row_bytes / cfg.interleave_bytes - 1);
  last.row = static_cast<std::uint32_t>(cfg.rows_per_bank - 1);
  EXPECT_EQ(map.encode(last) + static_cast<std::uint64_t>(cfg.interleave_bytes), kMaia200HbmBytes);
}

TEST(HbmCapacity, NonPositiveOrOverflowingGeometryIsAnInputError) {
  HbmConfig zero;
  zero.sids = 0;
  EXPECT_THROW(hbm_capacity_bytes(zero), InputError);
  HbmConfig huge;  // 9,216 banks x 2^42 rows x 1 KiB = 2^65.2 bytes
  huge.rows_per_bank = std::int64_t{1} << 42;
  EXPECT_THROW(hbm_capacity_bytes(huge), InputError);
}

TEST(HbmAddressMap, FieldsFollowMappingOrder) {
  HbmConfig cfg;
  cfg.address_hash = "none";  // the plain mixed-radix map
  HbmAddressMap map(cfg);
  // Digit 1 at mapping position i sits at interleave * (product of lower radices).
  std::uint64_t weight = static_cast<std::uint64_t>(cfg.interleave_bytes);
  for (int i = 0; i < kHbmFieldCount; ++i) {
    const HbmField f = map.field_at(i);
    HbmLocation expected;
    expected.*HbmAddressMap::field_member(f) = 1;
    EXPECT_EQ(map.decode(weight), expected) << HbmAddressMap::field_name(f);
    EXPECT_EQ(map.decode(weight + 5), expected) << "offset stays in the unit";
    weight *= map.radix(f);
  }
  EXPECT_EQ(weight, map.capacity_bytes());
  // Default order: stacks rotate first, 6 of them (not a power of two).
  EXPECT_EQ(map.field_at(0), HbmField::kStack);
  EXPECT_EQ(map.decode(6 * static_cast<std::uint64_t>(cfg.interleave_bytes)).stack, 0u);
  EXPECT_EQ(map.decode(7 * static_cast<std::uint64_t>(cfg.interleave_bytes)).stack, 1u);
}

TEST(HbmAddressMap, CustomOrderAndValidation) {
  HbmConfig cfg;
  cfg.address_mapping = "row, column, bank, bank_group, sid, pseudo_channel, channel, stack";
  cfg.address_hash = "none";
  HbmAddressMap map(cfg);
  EXPECT_EQ(map.field_at(0), HbmField::kRow);
  EXPECT_EQ(map.decode(static_cast<std::uint64_t>(cfg.interleave_bytes)).row, 1u);
  EXPECT_EQ(map.field_at(7), HbmField::kStack);

  cfg.address_mapping = "stack,channel,pseudo_channel,sid,bank_group,bank,column";
  EXPECT_THROW(HbmAddressMap{cfg}, InputError);
  cfg.address_mapping = "stack,stack,channel,pseudo_channel,sid,bank_group,bank,column,row";
  EXPECT_THROW(HbmAddressMap{cfg}, InputError);
  cfg.address_mapping = "stack,chan,pseudo_channel,sid,bank_group,bank,column,row";
  EXPECT_THROW(HbmAddressMap{cfg}, InputError);
  HbmConfig bad;
  bad.interleave_bytes = 48;  // not a multiple of the burst
  EXPECT_THROW(HbmAddressMap{bad}, InputError);
}

TEST(HbmAddressMap, EncodeDecodeRoundTrip) {
  HbmConfig cfg;
  HbmAddressMap map(cfg);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t addr = rng() % map.capacity_bytes();
    const std::uint64_t offset = addr % map.interleave_bytes();
    EXPECT_EQ(map.encode(map.decode(addr), offset), addr);
  }
}

// The location's bank: everything but the column (and the row).
std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>
bank_of(const HbmLocation& l) {
  return {l.stack, l.channel, l.pseudo_channel, l.sid, l.bank_group, l.bank};
}

TEST(HbmAddressMap, XorHashIsABijectionThatKeepsRowsInOneBank) {
  HbmConfig cfg;
  cfg.address_hash = "xor";
  const HbmAddressMap map(cfg);
  ASSERT_EQ(map.hash(), HbmAddressHash::kXor);
  const std::uint64_t unit = map.interleave_bytes();
  // Address weight of the column digit: the interleave times the radices below it.
  std::uint64_t column_weight = unit;
  for (int i = 0; map.field_at(i) != HbmField::kColumn; ++i)
    column_weight *= map.radix(map.field_at(i));
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t addr = rng() % map.capacity_bytes();
    const HbmLocation loc = map.decode(addr);
    EXPECT_EQ(map.encode(loc, addr % unit), addr);
    // The other columns of the same row (the column digit is not hashed) are in its bank.
    for (std::uint32_t c = 0; c < map.radix(HbmField::kColumn); ++c) {
      const HbmLocation other = map.decode(addr - loc.column * column_weight + c * column_weight);
      EXPECT_EQ(other.column, c);
      EXPECT_EQ(other.row, loc.row);
      EXPECT_EQ(bank_of(other), bank_of(loc));
    }
  }
  // Distinct units of one stretch of memory map to distinct locations (a bijection).
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t,
                      std::uint32_t, std::uint32_t, std::uint32_t>>
      locs;
  const std::uint64_t base = 1234 * unit * 4096;
  map.walk_bytes(base, 65536 * unit, [&](const HbmLocation& l, std::uint64_t, std::uint64_t) {
    locs.insert(
        {l.stack, l.channel, l.pseudo_channel, l.sid, l.bank_group, l.bank, l.column, l.row});
  });
  EXPECT_EQ(locs.size(), 65536u);
  // The plain map is unchanged by the knob's other value.
  HbmConfig plain = cfg;
  plain.address_hash = "none";
  EXPECT_EQ(HbmAddressMap(plain).hash(), HbmAddressHash::kNone);
  plain.address_hash = "fold";
  EXPECT_THROW(HbmAddressMap{plain}, InputError);
}

// Two ranges a multiple of the map's period apart (the bytes below the row digit: K and V caches
// at equal offsets) share every bank under the plain map; hashed, about 1 in (number of banks).
TEST(HbmAddressMap, XorHashSpreadsRangesAPeriodApart) {
  HbmConfig cfg;
  const std::uint64_t period =
      static_cast<std::uint64_t>(cfg.interleave_bytes) *
      static_cast<std::uint64_t>(cfg.stacks * cfg.channels_per_stack * cfg.pseudo_channels *
                                 cfg.sids * cfg.bank_groups * cfg.banks_per_group) *
      static_cast<std::uint64_t>(cfg.row_bytes / cfg.interleave_bytes);
  const double banks =
      static_cast<double>(cfg.stacks * cfg.channels_per_stack * cfg.pseudo_channels *
                          cfg.bank_groups * cfg.banks_per_group);
  for (const char* hash : {"none", "xor"}) {
    cfg.address_hash = hash;
    const HbmAddressMap map(cfg);
    std::mt19937_64 rng(5);
    int same = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t a = rng() % (map.capacity_bytes() - 8 * period);
      const std::uint64_t b = a + (1 + rng() % 7) * period;
      const HbmLocation la = map.decode(a), lb = map.decode(b);
      ASSERT_NE(la.row, lb.row);
      same += bank_of(la) == bank_of(lb);
    }
    if (std::string(hash) == "none") {
      EXPECT_EQ(same, n);
    } else {
      EXPECT_LT(same, 5.0 * n / banks) << "expected about " << n / banks;
    }
  }
}

TEST(HbmAddressMap, WalkVisitsEveryUnitOnceInOrder) {
  HbmConfig cfg;
  HbmAddressMap map(cfg);
  const std::uint64_t unit = map.interleave_bytes();
  const std::uint64_t burst = map.burst_bytes();
  // Unaligned start and end; long enough to carry through several odometer digits.
  const std::uint64_t addr = 3 * map.capacity_bytes() / 7 + 40;
  const std::uint64_t len = 20000 * unit + 100;
  std::uint64_t n = 0;
  std::uint64_t bursts_total = 0;
  std::set<std::uint64_t> seen;
  map.for_each_unit(addr, len, [&](const HbmLocation& loc, std::uint32_t first, std::uint32_t k) {
    const std::uint64_t unit_base = (addr / unit + n) * unit;
    EXPECT_EQ(loc, map.decode(unit_base)) << "unit " << n;
    EXPECT_TRUE(seen.insert(map.encode(loc)).second);
    if (n == 0) {
      EXPECT_EQ(first, (addr % unit) / burst);
    } else {
      EXPECT_EQ(first, 0u);
    }
    bursts_total += k;
    ++n;
  });
  const std::uint64_t first_unit = addr / unit;
  const std::uint64_t last_unit = (addr + len - 1) / unit;
  EXPECT_EQ(n, last_unit - first_unit + 1);
  // Edge units round out to whole bursts.
  const std::uint64_t first_burst = addr / burst;
  const std::uint64_t end_burst = (addr + len + burst - 1) / burst;
  EXPECT_EQ(bursts_total, end_burst - first_burst);

  const auto per_stack = map.bytes_per_stack(addr, len);
  ASSERT_EQ(per_stack.size(), static_cast<std::size_t>(cfg.stacks));
  std::uint64_t sum = 0;
  for (auto b : per_stack) sum += b;
  EXPECT_EQ(sum, len);
  // Units rotate across stacks first, so the split is even to within one unit.
  const auto [lo, hi] = std::minmax_element(per_stack.begin(), per_stack.end());
  EXPECT_LE(*hi - *lo, 2 * unit);
}

// ---------------------------------------------------------------------------------------------
// Timing conversion

TEST(HbmAddressMap, BytesPerStackClosedFormMatchesWalk) {
  // bytes_per_stack() uses a closed form for ranges inside capacity; the walk is the reference.
  for (const char* mapping : {"stack,pseudo_channel,channel,bank_group,bank,sid,column,row",
                              "pseudo_channel,channel,stack,bank_group,bank,sid,column,row",
                              "row,column,sid,bank,bank_group,channel,pseudo_channel,stack"}) {
    HbmConfig cfg;
    cfg.address_mapping = mapping;
    const HbmAddressMap map(cfg);
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 200; ++trial) {
      const std::uint64_t addr = rng() % (map.capacity_bytes() - (8u << 20));
      const std::uint64_t len = 1 + rng() % (4u << 20);
      std::vector<std::uint64_t> walked(static_cast<std::size_t>(cfg.stacks), 0);
      map.walk_bytes(addr, len, [&](const HbmLocation& loc, std::uint64_t, std::uint64_t bytes) {
        walked[loc.stack] += bytes;
      });
      ASSERT_EQ(map.bytes_per_stack(addr, len), walked)
          << mapping << " addr " << addr << " len " << len;
    }
  }
}

TEST(HbmTiming, BurstTimeDerivedFromGeometry) {
  HbmConfig cfg;
  const HbmTiming t = HbmTiming::from_config(cfg);
  const double pc_bits = 1024.0 / static_cast<double>(cfg.channels_per_stack * cfg.pseudo_channels);
  const double burst_ps = cfg.burst_bytes * 8.0 * 1000.0 / (pc_bits * cfg.pin_rate_gbps);
  EXPECT_GE(static_cast<double>(t.tBL), burst_ps);
  EXPECT_LT(static_cast<double>(t.tBL), burst_ps + 1.0);
  EXPECT_EQ(t.slot_S, std::max(t.tCCD_S, t.tBL));
  EXPECT_EQ(t.slot_L, std::max(t.tCCD_L, t.tBL));
  EXPECT_EQ(t.tRCD_rd, ns_to_ps(cfg.timing.tRCD_rd));
  cfg.refresh_mode = "sometimes";
  EXPECT_THROW(HbmTiming::from_config(cfg), InputError);
}

// ---------------------------------------------------------------------------------------------
// Pseudo-channel timing

TEST(PseudoChannel, IdleReadAndWriteLatency) {
  HbmConfig cfg;
  const HbmTiming t = HbmTiming::from_config(cfg);
  const Picos arrival = 1000;
  PseudoChannel pc(cfg, t);
  EXPECT_EQ(pc.access(bank_loc(0, 0, 0, 3), false, 1, arrival),
            arrival + t.tRCD_rd + t.tCL + t.tBL);
  // k bursts to one bank are tCCD_L apart.
  const std::uint32_t k = static_cast<std::uint32_t>(cfg.interleave_bytes / cfg.burst_bytes);
  PseudoChannel pk(cfg, t);
  EXPECT_EQ(pk.access(bank_loc(1, 1, 1, 3), false, k, arrival),
            arrival + t.tRCD_rd + (k - 1) * t.slot_L + t.tCL + t.tBL);
  PseudoChannel pw(cfg, t);
  EXPECT_EQ(pw.access(bank_loc(0, 2, 0, 3), true, 1, arrival),
            arrival + t.tRCD_wr + t.tCWL + t.tBL);
}

TEST(PseudoChannel, HitMissConflictDifferences) {
  HbmConfig cfg;
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const HbmLocation row5 = bank_loc(0, 1, 2, 5);
  const HbmLocation row6 = bank_loc(0, 1, 2, 6);
  const Picos empty = pc.access(row5, false, 1, 0) - 0;
  const Picos t1 = 1 * kPicosPerUs;  // long after tRC/tRAS, before the first refresh
  const Picos hit = pc.access(row5, false, 1, t1) - t1;
  const Picos t2 = 2 * kPicosPerUs;
  const Picos conflict = pc.access(row6, false, 1, t2) - t2;
  ASSERT_LT(t2 + conflict, t.tREFI);
  EXPECT_EQ(empty - hit, t.tRCD_rd);
  EXPECT_EQ(conflict - empty, t.tRP);
  const PseudoChannelStats s = pc.stats();
  EXPECT_EQ(s.row_misses_empty, 1u);
  EXPECT_EQ(s.row_hits, 1u);
  EXPECT_EQ(s.row_conflicts, 1u);
  EXPECT_EQ(s.activates, 2u);
  EXPECT_EQ(s.precharges, 1u);
  EXPECT_EQ(pc.open_row(pc.bank_index(row6)), 6);
}

TEST(PseudoChannel, FawLimitsFifthActivate) {
  HbmConfig cfg;
  const HbmTiming t = HbmTiming::from_config(cfg);
  ASSERT_GT(t.tFAW, 4 * t.tRRD_S) << "config must make tFAW the binding limit";
  PseudoChannel pc(cfg, t);
  Picos end = 0;
  std::vector<Picos> acts;
  // Five banks in rotating bank groups, so consecutive ACTs are tRRD_S apart.
  for (std::uint32_t i = 0; i < 5; ++i) {
    end = pc.access(bank_loc(0, i % 4, i / 4, 1), false, 1, 0);
    acts.push_back(pc.last_activate());
  }
  for (std::uint32_t i = 1; i < 4; ++i) EXPECT_EQ(acts[i], static_cast<Picos>(i) * t.tRRD_S);
  EXPECT_EQ(acts[4], acts[0] + t.tFAW);
  EXPECT_EQ(end, t.tFAW + t.tRCD_rd + t.tCL + t.tBL);

  // Control: without the four-activate window the fifth ACT follows tRRD_S.
  HbmConfig no_faw = cfg;
  no_faw.timing.tFAW = 0;
  const HbmTiming t2 = HbmTiming::from_config(no_faw);
  PseudoChannel free_pc(no_faw, t2);
  for (std::uint32_t i = 0; i < 5; ++i) free_pc.access(bank_loc(0, i % 4, i / 4, 1), false, 1, 0);
  EXPECT_EQ(free_pc.last_activate(), 4 * t2.tRRD_S);
}

TEST(PseudoChannel, AllBankRefreshClosesRowsAndBlocks) {
  HbmConfig cfg;
  cfg.refresh_mode = "all_bank";
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const HbmLocation a = bank_loc(0, 0, 0, 9);
  const HbmLocation b = bank_loc(1, 2, 3, 4);  // never opened
  pc.access(a, false, 1, 0);
  const Picos due = t.tREFI;  // first all-bank refresh
  const Picos arrival = due + 10 * kPicosPerNs;
  // Same row as before: refresh closed it, and ACT waits for tRFC.
  EXPECT_EQ(pc.access(a, false, 1, arrival), due + t.tRFC + t.tRCD_rd + t.tCL + t.tBL);
  // Another bank is blocked too: ACT after the refresh and tRRD from the previous ACT.
  EXPECT_EQ(pc.access(b, false, 1, arrival), due + t.tRFC + t.tRRD_S + t.tRCD_rd + t.tCL + t.tBL);
  PseudoChannelStats s = pc.stats();
  EXPECT_EQ(s.refreshes, 1u);
  EXPECT_EQ(s.row_hits, 0u);
  EXPECT_EQ(s.row_misses_empty, 3u);
  // The refreshed row had to be re-opened: the column moved from `arrival` to after tRFC + tRCD.
  EXPECT_EQ(s.refresh_stall_ps, due + t.tRFC + t.tRCD_rd - arrival);

  // Idle for many intervals: skipped arithmetically and counted.
  const Picos later = due + 10 * t.tREFI + t.tRFC + kPicosPerUs / 10;
  EXPECT_EQ(pc.access(a, false, 1, later), later + t.tRCD_rd + t.tCL + t.tBL);
  EXPECT_EQ(pc.stats().refreshes, 11u);
}

TEST(PseudoChannel, PerBankRefreshBlocksOnlyItsBank) {
  HbmConfig cfg;
  cfg.refresh_mode = "per_bank";
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const HbmLocation b0 = bank_loc(0, 0, 0, 9);  // bank 0: due at tREFI
  const HbmLocation b1 = bank_loc(0, 1, 0, 9);  // due later in the interval
  ASSERT_EQ(pc.bank_index(b0), 0u);
  ASSERT_GT(static_cast<Picos>(pc.bank_index(b1)) * t.tREFI / pc.banks(), 20 * kPicosPerNs);
  pc.access(b0, false, 1, 0);
  pc.access(b1, false, 1, 0);
  const Picos due = t.tREFI;
  const Picos arrival = due + 10 * kPicosPerNs;
  // Bank 1 is not refreshing: still a row hit.
  EXPECT_EQ(pc.access(b1, false, 1, arrival), arrival + t.tCL + t.tBL);
  // Bank 0 was idle when its refresh fell due: it ran on time, closed the row, and the
  // request waits for tRFCpb.
  EXPECT_EQ(pc.access(b0, false, 1, arrival), due + t.tRFCpb + t.tRCD_rd + t.tCL + t.tBL);
  const PseudoChannelStats s = pc.stats();
  EXPECT_EQ(s.refreshes, 1u);
  EXPECT_EQ(s.row_hits, 1u);
  // Through the end of the interval every bank has been refreshed once.
  EXPECT_EQ(pc.refreshes_through(2 * t.tREFI - 1), pc.banks());
}

TEST(PseudoChannel, BusSpacingNeverExceedsPeak) {
  HbmConfig cfg;
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  // Everything arrives at once, spread over all bank groups and SIDs: bus-bound.
  const std::uint32_t k = static_cast<std::uint32_t>(cfg.interleave_bytes / cfg.burst_bytes);
  Picos end = 0;
  std::uint64_t bursts = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto g = static_cast<std::uint32_t>(i);
    end = std::max(end, pc.access(bank_loc(g % 3, (g / 3) % 4, (g / 12) % 4, g / 48), false, k, 0));
    bursts += k;
  }
  EXPECT_GE(end, static_cast<Picos>(bursts) * t.tBL);
  // One pseudo-channel: a 32-bit bus at 9.114 Gb/s per pin.
  const double pc_peak = 32 * 9.114 / 8;
  const double achieved = gbytes_per_s(static_cast<double>(bursts * cfg.burst_bytes), end);
  EXPECT_LE(achieved, pc_peak);
  EXPECT_GT(achieved, 0.9 * pc_peak);
  EXPECT_EQ(pc.stats().bus_busy_ps, static_cast<Picos>(bursts) * t.tBL);
}

TEST(PseudoChannel, SingleBankGroupStreamsAtTccdL) {
  HbmConfig cfg;
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const std::uint32_t k = 8;
  Picos first_end = pc.access(bank_loc(0, 0, 0, 1), false, k, 0);
  Picos end = first_end;
  const int n = 100;
  for (int i = 1; i < n; ++i) end = pc.access(bank_loc(0, 0, 0, 1), false, k, 0);
  EXPECT_EQ(end - first_end, static_cast<Picos>(n - 1) * k * t.slot_L);
}

// ---------------------------------------------------------------------------------------------
// Subsystem (no simulation started: access() is called directly)

struct Request {
  std::uint64_t addr;
  std::uint64_t len;
  bool write;
};

// Closed loop with `window` outstanding transactions; returns achieved GB/s.
template <class Gen>
double run_window(HbmSubsystem& hbm, std::size_t count, std::size_t window, Gen&& gen) {
  std::vector<Picos> ring(window, 0);
  double bytes = 0;
  Picos end = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Request r = gen(i);
    Picos& slot = ring[i % window];
    slot = hbm.access(r.addr, r.len, r.write, slot);
    end = std::max(end, slot);
    bytes += static_cast<double>(r.len);
  }
  return gbytes_per_s(bytes, end);
}

double row_miss_fraction(const StatGroup& g) {
  const double misses = g.get("row_misses_empty") + g.get("row_conflicts");
  return misses / (misses + g.get("row_hits"));
}

TEST(HbmSubsystem, PeakCapacityAndSingleAccess) {
  HbmConfig cfg;
  HbmSubsystem hbm("hbm_single", cfg);
  EXPECT_DOUBLE_EQ(hbm.peak_gbps(), 6 * 1024 * 9.114 / 8);  // stacks x DQ pins x Gb/s / 8
  EXPECT_EQ(hbm.capacity_bytes(), kMaia200HbmBytes);
  const HbmTiming& t = hbm.timing();
  const Picos arrival = 5000;
  EXPECT_EQ(hbm.access(0, static_cast<std::uint64_t>(cfg.burst_bytes), false, arrival),
            arrival + t.tRCD_rd + t.tCL + t.tBL + t.controller_latency);
  // One whole interleave unit on another stack.
  const auto unit = static_cast<std::uint64_t>(cfg.interleave_bytes);
  const Picos k = cfg.interleave_bytes / cfg.burst_bytes;
  EXPECT_EQ(hbm.access(unit, unit, false, arrival),
            arrival + t.tRCD_rd + (k - 1) * t.slot_L + t.tCL + t.tBL + t.controller_latency);
  EXPECT_EQ(hbm.access(123, 0, false, arrival), arrival);
  EXPECT_THROW(hbm.access(hbm.capacity_bytes() - 16, 32, false, 0), std::out_of_range);
}

TEST(HbmSubsystem, SequentialBandwidthNearPeak) {
  HbmConfig cfg;
  HbmSubsystem hbm("hbm_seq", cfg);
  const std::uint64_t tx = 64 * kKiB;
  const std::size_t count = 256 * kMiB / tx;
  const double gbps = run_window(hbm, count, 64, [&](std::size_t i) {
    return Request{i * tx, tx, false};
  });
  EXPECT_LT(gbps, hbm.peak_gbps());
  EXPECT_GT(gbps, 0.8 * hbm.peak_gbps());

  std::vector<StatGroup> groups;
  hbm.collect_stats(groups);
  ASSERT_EQ(groups.size(), static_cast<std::size_t>(cfg.stacks + 1));
  const StatGroup& total = groups[0];
  EXPECT_EQ(total.name(), "hbm_seq");
  EXPECT_EQ(groups[1].name(), "hbm_seq.stack0");
  EXPECT_DOUBLE_EQ(total.get("read_bytes"), static_cast<double>(256 * kMiB));
  EXPECT_DOUBLE_EQ(total.get("write_bytes"), 0.0);
  EXPECT_DOUBLE_EQ(total.get("bursts"), static_cast<double>(256 * kMiB / cfg.burst_bytes));
  double stack_bytes = 0;
  for (std::size_t i = 1; i < groups.size(); ++i) stack_bytes += groups[i].get("read_bytes");
  EXPECT_DOUBLE_EQ(stack_bytes, total.get("read_bytes"));
  EXPECT_GT(total.get("bus_utilisation"), 0.8);
  EXPECT_LE(total.get("bus_utilisation"), 1.0);
  EXPECT_GT(total.get("refreshes"), 0.0);
  EXPECT_EQ(total.get("turnarounds"), 0.0);
  EXPECT_GT(total.get("row_hits"), total.get("activates"));
  for (const char* s : {"read_bytes", "write_bytes", "bursts", "row_hits", "row_misses_empty",
                        "row_conflicts", "activates", "refreshes", "refresh_stall_ns",
                        "turnarounds", "bus_busy_ns", "bus_utilisation"}) {
    EXPECT_NO_THROW(total.get(s)) << s;
  }
}

TEST(HbmSubsystem, AllBankRefreshCostsBandwidth) {
  HbmConfig per_bank;
  HbmConfig all_bank;
  all_bank.refresh_mode = "all_bank";
  HbmSubsystem a("hbm_pb", per_bank);
  HbmSubsystem b("hbm_ab", all_bank);
  const std::uint64_t tx = 64 * kKiB;
  const auto gen = [&](std::size_t i) { return Request{i * tx, tx, false}; };
  const double pb = run_window(a, 2048, 64, gen);
  const double ab = run_window(b, 2048, 64, gen);
  EXPECT_LT(ab, pb);
  // At most the refresh duty cycle is lost, plus a little drain time.
  const double duty = static_cast<double>(b.timing().tRFC) / static_cast<double>(b.timing().tREFI);
  EXPECT_GT(ab, (1.0 - duty) * 0.9 * pb);
}

TEST(HbmSubsystem, RandomSmallReadsSlowerWithMoreMisses) {
  HbmConfig cfg;
  HbmSubsystem seq("hbm_rseq", cfg);
  HbmSubsystem rnd("hbm_rnd", cfg);
  const std::uint64_t tx = 64 * kKiB;
  const double seq_gbps = run_window(seq, 1024, 64, [&](std::size_t i) {
    return Request{i * tx, tx, false};
  });
  std::mt19937_64 rng(42);
  const std::uint64_t lines = rnd.capacity_bytes() / 64;
  const double rnd_gbps = run_window(rnd, 200000, 4096, [&](std::size_t) {
    return Request{(rng() % lines) * 64, 64, false};
  });
  EXPECT_LT(rnd_gbps, seq_gbps);
  std::vector<StatGroup> gs, gr;
  seq.collect_stats(gs);
  rnd.collect_stats(gr);
  EXPECT_GT(row_miss_fraction(gr[0]), row_miss_fraction(gs[0]));
  EXPECT_GT(row_miss_fraction(gr[0]), 0.9);
}

TEST(HbmSubsystem, MixedReadWriteTurnsAround) {
  HbmConfig cfg;
  HbmSubsystem reads("hbm_ro", cfg);
  HbmSubsystem mixed("hbm_rw", cfg);
  const std::uint64_t tx = 64 * kKiB;
  const double ro = run_window(reads, 2048, 64, [&](std::size_t i) {
    return Request{i * tx, tx, false};
  });
  const double rw = run_window(mixed, 2048, 64, [&](std::size_t i) {
    return Request{i * tx, tx, (i % 2) == 1};
  });
  EXPECT_LT(rw, ro);
  std::vector<StatGroup> g;
  mixed.collect_stats(g);
  EXPECT_GT(g[0].get("turnarounds"), 0.0);
  EXPECT_GT(g[0].get("write_bytes"), 0.0);
  EXPECT_DOUBLE_EQ(g[0].get("read_bytes") + g[0].get("write_bytes"),
                   static_cast<double>(2048 * tx));
}

// ---------------------------------------------------------------------------------------------
// TLM target. Runs the simulation, so it must be the last test in this file when all tests
// share one process (SystemC cannot elaborate twice).

struct TlmResult {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  Picos delay = -1;
};

SC_MODULE(TestInitiator) {
  tlm_utils::simple_initiator_socket<TestInitiator> socket;
  std::vector<Request> requests;
  std::vector<tlm::tlm_command> commands;
  std::vector<Picos> issue_delays;
  std::vector<TlmResult> results;

  SC_CTOR(TestInitiator) : socket("socket") { SC_THREAD(run); }

  void run() {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      tlm::tlm_generic_payload trans;
      trans.set_command(commands[i]);
      trans.set_address(requests[i].addr);
      trans.set_data_length(static_cast<unsigned int>(requests[i].len));
      trans.set_streaming_width(static_cast<unsigned int>(requests[i].len));
      trans.set_data_ptr(nullptr);  // timing-only target
      trans.set_byte_enable_ptr(nullptr);
      trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = to_sc(issue_delays[i]);
      socket->b_transport(trans, delay);
      results.push_back({trans.get_response_status(), from_sc(delay)});
      if (trans.is_response_ok()) wait(delay);  // next request starts at this completion
    }
  }
};

TEST(HbmSubsystemTlm, BlockingTransportMatchesAccess) {
  HbmConfig cfg;
  const std::vector<Request> reqs = {
      {4096, 4096, false}, {1 * kMiB + 100, 1000, true}, {0, 0, false}, {8192, 64, false}};
  const std::vector<Picos> issue = {5000, 3000, 0, 700};
  // Expected completions from an identical subsystem fed the same arrivals, built and
  // destroyed before the simulation starts.
  std::vector<Picos> expected_delay;
  {
    HbmSubsystem twin("hbm_twin", cfg);
    Picos now = 0;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const Picos done = twin.access(reqs[i].addr, reqs[i].len, reqs[i].write, now + issue[i]);
      expected_delay.push_back(done - now);
      now = done;
    }
  }
  HbmSubsystem hbm("hbm_tlm", cfg);
  TestInitiator init("init");
  init.socket.bind(hbm.socket);
  init.requests = reqs;
  init.issue_delays = issue;
  for (const auto& r : reqs)
    init.commands.push_back(r.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  // Errors: beyond capacity, straddling the end, and an unsupported command.
  init.requests.push_back({hbm.capacity_bytes(), 64, false});
  init.requests.push_back({hbm.capacity_bytes() - 32, 64, false});
  init.requests.push_back({0, 64, false});
  init.commands.push_back(tlm::TLM_READ_COMMAND);
  init.commands.push_back(tlm::TLM_WRITE_COMMAND);
  init.commands.push_back(tlm::TLM_IGNORE_COMMAND);
  init.issue_delays.insert(init.issue_delays.end(), {0, 0, 0});

  sc_core::sc_start();

  ASSERT_EQ(init.results.size(), init.requests.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(init.results[i].status, tlm::TLM_OK_RESPONSE) << i;
    EXPECT_EQ(init.results[i].delay, expected_delay[i]) << i;
  }
  EXPECT_EQ(init.results[reqs.size()].status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(init.results[reqs.size() + 1].status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(init.results[reqs.size() + 2].status, tlm::TLM_COMMAND_ERROR_RESPONSE);

  tlm::tlm_generic_payload dbg;
  EXPECT_EQ(init.socket->transport_dbg(dbg), 0u);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
