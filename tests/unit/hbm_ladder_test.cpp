// The validation ladder of the HBM model (issue 14): each figure against a closed form of the
// timing parameters written here, tier by tier: unloaded latency at the DRAM and at the
// controller; one pseudo-channel streaming with and without refresh; activation-bound random
// reads (tFAW, tRRD); one bank group (tCCD_L); read/write mixes (tRTW, tWTR); the scheduling
// policies (fcfs, fr-fcfs, fr-fcfs-cap) on rows that conflict and on many concurrent streams.
// docs/microbenchmarks.md ("HBM validation ladder") lists each figure with its bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <systemc>

#include "hbm_locations.hpp"
#include "maia/config/chip_config.hpp"
#include "maia/core/error.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/hbm/hbm_scheduler.hpp"
#include "maia/hw/hbm/hbm_subsystem.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/hw/hbm/pc_controller.hpp"
#include "maia/hw/hbm/pseudo_channel.hpp"
#include "maia/microbench/microbench.hpp"

namespace maia {
namespace {

constexpr std::uint64_t kKiB = 1024;

// One burst on a pseudo-channel's data bus, in ns, from the geometry of configs/maia200.json:
// 32 B over a 32-bit bus (1024 DQ / 16 channels / 2 PCs) at 9.114 Gb/s per pin.
constexpr double kBurstNs = 32.0 * 8 / (32 * 9.114);
// Peak of one pseudo-channel, GB/s.
constexpr double kPcPeakGbps = 32 * 9.114 / 8;

double ns(Picos p) { return static_cast<double>(p) / kPicosPerNs; }

// A config whose refresh never falls due within the runs below (tREFI = 10 ms).
HbmConfig no_refresh() {
  HbmConfig cfg;
  cfg.timing.tREFI = 1e7;
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// Tier 1: unloaded latency of one 32 B read, at the DRAM and at the controller.

TEST(HbmLadder, UnloadedLatencyHitClosedConflict) {
  const HbmConfig cfg;
  const HbmTimingConfig& c = cfg.timing;
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const Picos t0 = 0, t1 = 1 * kPicosPerUs, t2 = 2 * kPicosPerUs;  // idle gaps >> tRC
  const double closed = ns(pc.access(bank_loc(0, 0, 0, 5), false, 1, t0) - t0);
  const double hit = ns(pc.access(bank_loc(0, 0, 0, 5), false, 1, t1) - t1);
  const double conflict = ns(pc.access(bank_loc(0, 0, 0, 6), false, 1, t2) - t2);
  // At the DRAM: hit = tCL + BL, closed = tRCD + tCL + BL, conflict = tRP + tRCD + tCL + BL.
  EXPECT_NEAR(hit, c.tCL + kBurstNs, 0.002);
  EXPECT_NEAR(closed, c.tRCD_rd + c.tCL + kBurstNs, 0.002);
  EXPECT_NEAR(conflict, c.tRP + c.tRCD_rd + c.tCL + kBurstNs, 0.002);
  std::printf("ladder latency DRAM hit %.2f closed %.2f conflict %.2f ns\n", hit, closed, conflict);

  // At the controller: + controller_latency_ns, same for every policy.
  for (const char* policy : {"fcfs", "fr-fcfs", "fr-fcfs-cap"}) {
    HbmConfig pcfg;
    pcfg.scheduler = policy;
    HbmSubsystem hbm(sc_core::sc_gen_unique_name("hbm_lat"), pcfg);
    const double at_ctrl = ns(hbm.access(0, 32, false, 0));
    EXPECT_NEAR(at_ctrl, c.tRCD_rd + c.tCL + kBurstNs + pcfg.controller_latency_ns, 0.002)
        << policy;
  }
}

// ---------------------------------------------------------------------------------------------
// Tier 2: one pseudo-channel streaming (every unit a whole 256 B interleave unit, bank groups
// rotating, everything queued at t = 0), with and without refresh.

// GB/s of `units` 8-burst reads spread over all bank groups, banks and SIDs.
double stream_pc(const HbmConfig& cfg, int units, PseudoChannelStats* stats = nullptr) {
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  Picos end = 0;
  for (int i = 0; i < units; ++i) {
    const auto g = static_cast<std::uint32_t>(i);
    // Rows advance every 4 visits of a bank (a 1 KiB row holds four 256 B units).
    end =
        std::max(end, pc.access(bank_loc(g % 3, (g / 3) % 4, (g / 12) % 4, g / 192), false, 8, 0));
  }
  if (stats) *stats = pc.stats();
  return static_cast<double>(units) * 256 / static_cast<double>(end) * 1000.0;
}

TEST(HbmLadder, SequentialStreamWithoutRefreshReachesPeak) {
  // No refresh: the bus is the only limit, bandwidth = PC peak within 2% (pipeline fill).
  const double gbps = stream_pc(no_refresh(), 20000);
  std::printf("ladder stream no refresh %.3f GB/s of %.3f (%.1f%%)\n", gbps, kPcPeakGbps,
              100 * gbps / kPcPeakGbps);
  EXPECT_LE(gbps, kPcPeakGbps);
  EXPECT_GE(gbps, 0.98 * kPcPeakGbps);
}

TEST(HbmLadder, SequentialStreamAllBankRefreshCostsItsDutyCycle) {
  HbmConfig cfg;
  cfg.refresh_mode = "all_bank";
  PseudoChannelStats s;
  const double gbps = stream_pc(cfg, 200000, &s);  // ~180 us: ~46 refresh intervals
  // JEDEC: all-bank refresh blocks the PC for tRFC every tREFI, so bandwidth = peak x
  // (1 - tRFC / tREFI) at best. Before REFab every bank is precharged (a row opened just before
  // may have to wait tRAS, then tRP), and after it the stream reopens its rows (tRCD): at most
  // tRAS + tRP + tRCD more per interval.
  const HbmTimingConfig& c = cfg.timing;
  const double duty = c.tRFC / c.tREFI;
  const double drain = (c.tRAS + c.tRP + c.tRCD_rd) / c.tREFI;
  std::printf(
      "ladder stream all-bank %.3f GB/s = %.2f%% of peak, bound %.2f%%..%.2f%%, %llu "
      "refreshes\n",
      gbps, 100 * gbps / kPcPeakGbps, 100 * (1 - duty - drain), 100 * (1 - duty),
      static_cast<unsigned long long>(s.refreshes));
  EXPECT_LE(gbps, kPcPeakGbps * (1 - duty));
  EXPECT_GE(gbps, kPcPeakGbps * (1 - duty - drain));
}

TEST(HbmLadder, SequentialStreamPerBankRefreshBound) {
  HbmConfig cfg;
  cfg.refresh_mode = "per_bank";
  PseudoChannelStats s;
  const double gbps = stream_pc(cfg, 200000, &s);
  // Per-bank refresh takes one bank of 48 for tRFCpb every tREFI: a stream that visits every
  // bank loses at most what one bank's refresh holds up, tRFCpb per bank and interval spread
  // over the 48 banks working in parallel, i.e. at most tRFCpb / tREFI of the time; it cannot
  // beat the refresh-free stream.
  const HbmTimingConfig& c = cfg.timing;
  const double no_ref = stream_pc(no_refresh(), 200000);
  std::printf(
      "ladder stream per-bank %.3f GB/s = %.2f%% of peak (no refresh %.2f%%), %llu refreshes\n",
      gbps, 100 * gbps / kPcPeakGbps, 100 * no_ref / kPcPeakGbps,
      static_cast<unsigned long long>(s.refreshes));
  EXPECT_LE(gbps, no_ref);
  EXPECT_GE(gbps, no_ref * (1 - c.tRFCpb / c.tREFI));
}

// ---------------------------------------------------------------------------------------------
// Tier 3: activation-bound and bank-group-bound traffic on one pseudo-channel.

// 64 B reads (2 bursts) to random banks and rows of one PC, all queued at t = 0, issued through
// the controller's queue by `policy`; returns GB/s.
double random_reads(const char* policy, int n, PseudoChannelStats* st) {
  const HbmConfig cfg = no_refresh();
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  std::mt19937_64 rng(7);
  std::vector<HbmPendingUnit> units;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t r = rng();
    units.push_back(
        {bank_loc(r % 3, (r >> 2) % 4, (r >> 4) % 4, static_cast<std::uint32_t>((r >> 8) % 24576)),
         false, 2, 0, 0});
  }
  std::vector<Picos> done(1, 0);
  const PcQueueSettings s{&find_hbm_scheduler(policy, "test"), 32, 4};
  issue_queued(pc, s, units, done, [](const HbmPendingUnit&, Picos) {});
  *st = pc.stats();
  return n * 64.0 / ns(done[0]);
}

TEST(HbmLadder, RandomReadsBoundedByFawAndRrd) {
  const HbmTimingConfig c = no_refresh().timing;
  // Four ACTs per tFAW and one per tRRD_S, 64 B per ACT.
  const double bound = std::min(4 * 64.0 / c.tFAW, 64.0 / c.tRRD_S);
  const int n = 20000;
  for (const char* policy : {"fcfs", "fr-fcfs", "fr-fcfs-cap"}) {
    PseudoChannelStats st;
    const double gbps = random_reads(policy, n, &st);
    std::printf("ladder random 64 B %s %.3f GB/s, tFAW/tRRD bound %.3f GB/s (%.1f%%)\n", policy,
                gbps, bound, 100 * gbps / bound);
    EXPECT_LE(gbps, bound * 1.001) << policy;
    EXPECT_EQ(st.activates + st.row_hits, static_cast<std::uint64_t>(n)) << policy;
    // In order, a unit whose bank is still in its row cycle (tRC, tRAS + tRP: 1 in 4 with 48
    // banks and ~12 ACTs per tRC) holds up every ACT behind it: at least half the bound. A
    // first-ready policy goes around busy banks and reaches the ACT limit within 10%.
    EXPECT_GE(gbps, (std::string(policy) == "fcfs" ? 0.5 : 0.9) * bound) << policy;
  }
}

TEST(HbmLadder, OneBankGroupBoundedByTccdL) {
  const HbmConfig cfg = no_refresh();
  const HbmTimingConfig& c = cfg.timing;
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const int n = 4000;
  Picos end = 0;
  for (int i = 0; i < n; ++i) {
    const auto g = static_cast<std::uint32_t>(i);
    // SID 0, bank group 0 only, its four banks in turn, row hits after the first visit.
    end = std::max(end, pc.access(bank_loc(0, 0, g % 4, g / 16), false, 8, 0));
  }
  const double gbps = n * 256.0 / ns(end);
  // Column commands to one bank group are tCCD_L apart: 32 B per max(tCCD_L, BL).
  const double bound = 32.0 / std::max(c.tCCD_L, kBurstNs);
  std::printf("ladder one bank group %.3f GB/s, tCCD_L bound %.3f GB/s (%.1f%% of PC peak)\n", gbps,
              bound, 100 * bound / kPcPeakGbps);
  EXPECT_LE(gbps, bound * 1.001);
  EXPECT_GE(gbps, 0.97 * bound);
}

// ---------------------------------------------------------------------------------------------
// Tier 4: read/write mixes on one pseudo-channel. Units alternate between bank groups (no
// tCCD_L), rows stay open; each direction change pays its turnaround.

double mix_pc(int reads_per_write, int groups, Picos* period = nullptr) {
  const HbmConfig cfg = no_refresh();
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  const int n = groups * (reads_per_write + 1);
  Picos end = 0;
  for (int i = 0; i < n; ++i) {
    const bool write = i % (reads_per_write + 1) == reads_per_write;
    const auto g = static_cast<std::uint32_t>(i);
    end = std::max(end, pc.access(bank_loc(0, g % 4, 0, 1), write, 1, 0));
  }
  if (period) *period = end;
  return n * 32.0 / ns(end);
}

TEST(HbmLadder, ReadWriteMixesBoundedByTurnarounds) {
  const HbmConfig cfg;
  const HbmTimingConfig& c = cfg.timing;
  for (const int ratio : {1, 2}) {
    const int groups = 2000;
    Picos end = 0;
    const double gbps = mix_pc(ratio, groups, &end);
    // One group = `ratio` reads then a write, one burst each, every unit in another bank group
    // than the one before. Read -> write: the write's column waits tRTW after the last read
    // column. Write -> read: the read's column waits for the write data end (tCWL + BL) plus
    // tWTR_S. Reads back to back are tCCD_S (or BL) apart.
    const double period =
        (ratio - 1) * std::max(c.tCCD_S, kBurstNs) + c.tRTW + c.tCWL + kBurstNs + c.tWTR_S;
    const double closed = (ratio + 1) * 32.0 / period;
    std::printf("ladder %d:1 read/write %.3f GB/s, closed form %.3f GB/s (%.1f%% of PC peak)\n",
                ratio, gbps, closed, 100 * closed / kPcPeakGbps);
    EXPECT_NEAR(gbps, closed, 0.01 * closed) << ratio << ":1";
  }
}

// ---------------------------------------------------------------------------------------------
// Tier 5: the scheduling policies, at the controller (one PC's request queue).

std::vector<HbmPendingUnit> two_rows_one_bank(int per_row) {
  // Two streams A (row 1) and B (row 2) of one bank, interleaved in arrival order A B A B ...;
  // each unit is its own request (its index), so the issue order can be followed.
  std::vector<HbmPendingUnit> u;
  for (int i = 0; i < per_row; ++i) {
    u.push_back({bank_loc(0, 0, 0, 1), false, 8, 0, static_cast<std::uint32_t>(2 * i)});
    u.push_back({bank_loc(0, 0, 0, 2), false, 8, 0, static_cast<std::uint32_t>(2 * i + 1)});
  }
  return u;
}

struct QueueRun {
  PseudoChannelStats stats;
  Picos end = 0;
  std::uint32_t longest_bypass = 0;  // row hits issued in a row ahead of an older unit
};

QueueRun run_queue(const char* policy, int per_row, std::size_t depth, std::uint32_t cap) {
  const HbmConfig cfg = no_refresh();
  const HbmTiming t = HbmTiming::from_config(cfg);
  PseudoChannel pc(cfg, t);
  std::vector<HbmPendingUnit> units = two_rows_one_bank(per_row);
  std::vector<Picos> done(units.size(), 0);
  const PcQueueSettings s{&find_hbm_scheduler(policy, "test"), depth, cap};
  QueueRun r;
  std::vector<bool> issued(units.size(), false);
  std::uint32_t run = 0;
  std::int64_t open = -1;
  issue_queued(pc, s, units, done, [&](const HbmPendingUnit& u, Picos) {
    bool older_waits = false;
    for (std::uint32_t i = 0; i < u.request; ++i) older_waits = older_waits || !issued[i];
    const bool hit = open == static_cast<std::int64_t>(u.loc.row);
    run = older_waits && hit ? run + 1 : 0;
    r.longest_bypass = std::max(r.longest_bypass, run);
    issued[u.request] = true;
    open = u.loc.row;
  });
  for (const Picos d : done) r.end = std::max(r.end, d);
  r.stats = pc.stats();
  return r;
}

TEST(HbmLadder, PoliciesOnTwoConflictingRows) {
  const int n = 16;          // units per row
  const std::size_t d = 32;  // the whole batch fits the queue
  const std::uint32_t cap = 4;
  const QueueRun fcfs = run_queue("fcfs", n, d, cap);
  const QueueRun fr = run_queue("fr-fcfs", n, d, cap);
  const QueueRun capped = run_queue("fr-fcfs-cap", n, d, cap);
  // fcfs: every unit opens its row (A B A B ...): 2n activates, no hits, and each unit waits
  // for the row cycle of the one before (>= tRC between ACTs of the bank).
  EXPECT_EQ(fcfs.stats.activates, 2u * n);
  EXPECT_EQ(fcfs.stats.row_hits, 0u);
  const HbmTiming t = HbmTiming::from_config(no_refresh());
  EXPECT_GE(fcfs.end, static_cast<Picos>(2 * n - 1) * t.tRC);
  // fr-fcfs: all of row 1, then all of row 2: two activates.
  EXPECT_EQ(fr.stats.activates, 2u);
  EXPECT_EQ(fr.stats.row_hits, 2u * n - 2);
  EXPECT_EQ(fr.longest_bypass, static_cast<std::uint32_t>(n - 1));
  // fr-fcfs-cap: never more than `cap` hits pass an older unit; more activates than fr-fcfs,
  // fewer than fcfs.
  EXPECT_LE(capped.longest_bypass, cap);
  EXPECT_EQ(capped.longest_bypass, cap);
  EXPECT_GT(capped.stats.activates, fr.stats.activates);
  EXPECT_LT(capped.stats.activates, fcfs.stats.activates);
  EXPECT_LT(fr.end, capped.end);
  EXPECT_LT(capped.end, fcfs.end);
  std::printf(
      "ladder two rows: fcfs %.0f ns %llu ACT, fr-fcfs %.0f ns %llu ACT, "
      "fr-fcfs-cap(4) %.0f ns %llu ACT\n",
      ns(fcfs.end), static_cast<unsigned long long>(fcfs.stats.activates), ns(fr.end),
      static_cast<unsigned long long>(fr.stats.activates), ns(capped.end),
      static_cast<unsigned long long>(capped.stats.activates));
}

TEST(HbmLadder, QueueDepthOneIsInOrder) {
  // A queue of one entry leaves a policy nothing to choose: fr-fcfs behaves as fcfs.
  const QueueRun fcfs = run_queue("fcfs", 16, 1, 4);
  const QueueRun fr = run_queue("fr-fcfs", 16, 1, 4);
  EXPECT_EQ(fr.end, fcfs.end);
  EXPECT_EQ(fr.stats.activates, fcfs.stats.activates);
}

TEST(HbmLadder, UnknownPolicyIsANamedError) {
  HbmConfig cfg;
  cfg.scheduler = "fr-fcfz";
  try {
    HbmSubsystem hbm("hbm_bad_policy", cfg);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("hbm.scheduler"), std::string::npos) << m;
    EXPECT_NE(m.find("fr-fcfs"), std::string::npos) << m;
  }
  HbmConfig deep;
  deep.queue_depth = 0;
  EXPECT_THROW(HbmSubsystem("hbm_bad_depth", deep), InputError);
}

// ---------------------------------------------------------------------------------------------
// Tier 6: bandwidth and row locality versus the number of concurrent sequential streams, each
// with `in_flight` 256 KiB requests handed over together (access_batch).

struct StreamsResult {
  double gbps = 0;
  double row_hit_rate = 0;
  std::uint64_t reordered = 0;  // units issued ahead of an older one
};

StreamsResult run_streams(const char* policy, int streams, int rounds, int in_flight,
                          const char* mapping = nullptr) {
  HbmConfig cfg;
  cfg.scheduler = policy;
  if (mapping) cfg.address_mapping = mapping;
  HbmSubsystem hbm(sc_core::sc_gen_unique_name("hbm_streams"), cfg);
  const std::uint64_t chunk = 256 * kKiB;
  const std::uint64_t region = hbm.capacity_bytes() / static_cast<std::uint64_t>(streams);
  std::vector<HbmRequest> batch;
  Picos now = 0, end = 0;
  double bytes = 0;
  for (int r = 0; r < rounds; ++r) {
    batch.clear();
    for (int k = 0; k < in_flight; ++k)
      for (int s = 0; s < streams; ++s)
        batch.push_back({static_cast<std::uint64_t>(s) * (region / chunk) * chunk +
                             static_cast<std::uint64_t>(r * in_flight + k) * chunk,
                         chunk, false, now});
    for (const Picos d : hbm.access_batch(batch)) end = std::max(end, d);
    bytes += static_cast<double>(batch.size() * chunk);
    now = end;  // the next round is issued when this one has completed
  }
  std::vector<StatGroup> g;
  hbm.collect_stats(g);
  const double hits = g[0].get("row_hits");
  return {bytes / ns(end), hits / (hits + g[0].get("activates")), hbm.reordered_units()};
}

TEST(HbmLadder, BandwidthAndRowHitsVersusStreams) {
  const HbmConfig cfg;
  const double peak = HbmSubsystem("hbm_peak_only", cfg).peak_gbps();
  // The default map puts a row's four 256 B units 2.25 MiB apart (every PC, bank group, bank
  // and SID in between): with many streams, other streams' rows come between them in every
  // bank, and no queue of realistic depth holds two units of one row. A map with the column
  // right above the PCs keeps a row's 1 KiB in one request.
  const char* column_low = "stack,pseudo_channel,channel,column,bank_group,bank,sid,row";
  for (const char* mapping : {static_cast<const char*>(nullptr), column_low}) {
    for (const int streams : {1, 8, 80}) {
      const StreamsResult f = run_streams("fcfs", streams, 2, 16, mapping);
      const StreamsResult r = run_streams("fr-fcfs", streams, 2, 16, mapping);
      std::printf(
          "ladder %s map, %d streams: fcfs %.0f GB/s row hits %.2f, fr-fcfs %.0f GB/s "
          "row hits %.2f\n",
          mapping ? "column-low" : "default", streams, f.gbps, f.row_hit_rate, r.gbps,
          r.row_hit_rate);
      EXPECT_LE(f.gbps, peak);
      EXPECT_LE(r.gbps, peak);
      EXPECT_EQ(f.reordered, 0u);
      EXPECT_GT(r.reordered, 0u);
      // Reordering never loses row hits here.
      EXPECT_GE(r.row_hit_rate, f.row_hit_rate - 0.01) << streams;
      // A row's four units in one request: half of them or more are hits.
      if (mapping) {
        EXPECT_GE(r.row_hit_rate, 0.5) << streams;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tier 7: the pointer chase of `microbench hbm --pattern latency`, unloaded and loaded.

TEST(HbmLadder, PointerChaseLatencyCurve) {
  ChipConfig chip;
  HbmLatencySpec spec;
  spec.chase_steps = 200;
  spec.loads = {0, 0.3, 0.6};
  const Json j = microbench_hbm_latency(chip, spec);
  const Json& curve = j["curve"];
  ASSERT_EQ(curve.size(), 3u);
  const HbmTimingConfig& c = chip.hbm.timing;
  const double ctrl = chip.hbm.controller_latency_ns;
  // Unloaded, random 64 B reads (two bursts to one bank, tCCD_L apart): the median read finds
  // its bank closed or another row open, between tRCD + tCCD_L + tCL + BL + controller
  // (55.68 ns) and that + tRP (71.78 ns).
  const double closed = c.tRCD_rd + std::max(c.tCCD_L, kBurstNs) + c.tCL + kBurstNs + ctrl;
  const double p50 = curve[0]["latency_p50_ns"].get<double>();
  EXPECT_GE(p50, closed - 0.01);
  EXPECT_LE(p50, closed + c.tRP + 0.01);
  // Every load point delivers what it offers below saturation (within 5%), and the latency
  // does not fall as the load rises.
  for (std::size_t i = 1; i < curve.size(); ++i) {
    const double offered = curve[i]["offered_load"].get<double>();
    EXPECT_NEAR(curve[i]["fraction_of_peak"].get<double>(), offered, 0.05 * offered);
    EXPECT_GE(curve[i]["latency_mean_ns"].get<double>(),
              curve[i - 1]["latency_mean_ns"].get<double>() - 1.0);
  }
  EXPECT_FALSE(hbm_latency_table(j, true).empty());
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
