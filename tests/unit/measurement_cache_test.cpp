// The measurement cache (maia/cache, maia/compiler/measurement_request.hpp): the codec keeps
// every field exactly and refuses damaged entries; the on-disk store survives concurrent writers,
// evicts by last use and runs without a folder it cannot write; every chip knob is part of the
// key; and an executor's results are identical with a cold cache, a warm cache and none.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <systemc>

#include "log_capture.hpp"
#include "maia/cache/disk_measurement_cache.hpp"
#include "maia/cache/measurement_codec.hpp"
#include "maia/compiler/cache_verification.hpp"
#include "maia/compiler/measurement_request.hpp"
#include "maia/compiler/op_executor.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/model_version.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {
namespace {
namespace fs = std::filesystem;

// Every field set, each to a value no other field has (and none a default).
OpMeasurement distinct_measurement(int seed) {
  OpMeasurement m;
  const double s = seed * 100.0;
  m.name = "name" + std::to_string(seed);
  m.layer = 7 + seed;
  m.kind = "kind" + std::to_string(seed);
  m.signature = "signature" + std::to_string(seed);
  m.time_ns = s + 1.25;
  m.flops = s + 2.5;
  m.hbm_bytes = s + 3.75;
  m.sram_bytes = s + 4.125;
  m.compute_ns = s + 5.0625;
  m.memory_ns = s + 6.03125;
  m.network_ns = s + 7.1;  // not exact in binary: must still come back bit for bit
  m.roofline_ns = std::numeric_limits<double>::infinity();
  m.network_bytes = s + 9.0 / 7.0;
  m.network_ports = 11 + seed;
  m.bound = "bound" + std::to_string(seed);
  m.bound_utilisation = s + 1e-300;
  m.reused = true;
  m.prefetched = true;
  m.prefetches_next = true;
  m.weights_resident = true;
  m.start_ns = s + 12.5;
  m.finish_ns = s + 13.5;
  m.overlap_ns = s + 14.5;
  m.window = 15 + seed;
  m.fidelity = "fidelity" + std::to_string(seed);
  m.algorithm = "algorithm" + std::to_string(seed);
  m.tier = "tier" + std::to_string(seed);
  m.collective = "collective" + std::to_string(seed);
  // Every event count distinct too (the Activity's own field list in the codec).
  double* counts[] = {&m.activity.macs_fp4,
                      &m.activity.macs_fp8,
                      &m.activity.macs_bf16,
                      &m.activity.vector_ops,
                      &m.activity.near_sram_read_bytes,
                      &m.activity.near_sram_write_bytes,
                      &m.activity.far_sram_read_bytes,
                      &m.activity.far_sram_write_bytes,
                      &m.activity.noc_byte_hops,
                      &m.activity.hbm_activates,
                      &m.activity.hbm_read_bytes,
                      &m.activity.hbm_write_bytes,
                      &m.activity.hbm_refreshes,
                      &m.activity.network_bytes,
                      &m.activity.pcie_bytes};
  for (std::size_t i = 0; i < std::size(counts); ++i) *counts[i] = s + 200.25 + i;
  return m;
}

TEST(MeasurementCodec, RoundTripKeepsEveryField) {
  const CacheEntry e{"a description \"quoted\" \n",
                     {distinct_measurement(1), distinct_measurement(2)}};
  const auto back = decode_cache_entry(encode_cache_entry(e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, e);
  // No field may be left at its default by the round trip (a field dropped from the codec).
  EXPECT_NE(back->measurements[0], OpMeasurement{});
  EXPECT_EQ(back->measurements[0].network_ns, 107.1);
  EXPECT_EQ(back->measurements[1].collective, "collective2");
  EXPECT_EQ(back->measurements[1].activity, distinct_measurement(2).activity);
  EXPECT_NE(back->measurements[1].activity, Activity{});
}

TEST(MeasurementCodec, RefusesEveryTruncationAndByteFlip) {
  const std::string bytes = encode_cache_entry({"d", {distinct_measurement(3)}});
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(decode_cache_entry(bytes.substr(0, n)).has_value()) << "prefix " << n;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 0x20);
    EXPECT_FALSE(decode_cache_entry(b).has_value()) << "byte " << i;
  }
  EXPECT_FALSE(decode_cache_entry(bytes + "x").has_value());
}

fs::path scratch(const std::string& name) {
  const fs::path p = fs::path(testing::TempDir()) / ("maia_cache_" + name);
  fs::remove_all(p);
  return p;
}

TEST(DiskMeasurementCache, StoresFindsAndCountsAcrossInstances) {
  const fs::path dir = scratch("basic");
  {
    DiskMeasurementCache c(dir, 1 << 20);
    EXPECT_FALSE(c.find("k").has_value());
    c.store("k", {distinct_measurement(4)});
  }
  {
    DiskMeasurementCache c(dir, 1 << 20);
    const auto v = c.find("k");
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, std::vector<OpMeasurement>{distinct_measurement(4)});
    EXPECT_FALSE(c.find("k2").has_value());
  }
  const CacheCounts n = read_cache_counts(dir);
  EXPECT_EQ(n.hits, 1u);
  EXPECT_EQ(n.misses, 2u);
  EXPECT_EQ(n.stores, 1u);
  EXPECT_EQ(cache_entry_files(dir).size(), 1u);
}

TEST(DiskMeasurementCache, CorruptEntryIsIgnoredCountedAndReplaced) {
  const fs::path dir = scratch("corrupt");
  const fs::path file = cache_entry_path(dir, "k");
  {
    DiskMeasurementCache c(dir, 1 << 20);
    c.store("k", {distinct_measurement(5)});
  }
  const auto size = fs::file_size(file);
  fs::resize_file(file, size / 2);  // a torn write
  LogCapture log;
  {
    DiskMeasurementCache c(dir, 1 << 20);
    EXPECT_FALSE(c.find("k").has_value());
    EXPECT_EQ(c.counts().corrupt, 1u);
    c.store("k", {distinct_measurement(5)});  // re-measured
    EXPECT_EQ(c.find("k"), std::vector<OpMeasurement>{distinct_measurement(5)});
  }
  EXPECT_NE(log.text().find("corrupt entry"), std::string::npos) << log.text();
  EXPECT_EQ(read_cache_counts(dir).corrupt, 1u);
}

TEST(DiskMeasurementCache, UnwritableFolderWarnsOnceAndHoldsNothing) {
  const fs::path base = scratch("unwritable");
  fs::create_directories(base);
  std::ofstream(base / "file") << "not a folder";
  LogCapture log;
  DiskMeasurementCache c(base / "file" / "cache", 1 << 20);
  EXPECT_FALSE(c.usable());
  c.store("k", {distinct_measurement(6)});
  EXPECT_FALSE(c.find("k").has_value());
  const std::string text = log.text();
  const auto first = text.find("not writable");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("not writable", first + 1), std::string::npos) << "warned once: " << text;
}

TEST(DiskMeasurementCache, ConcurrentWritersLeaveOnlyWholeEntries) {
  const fs::path dir = scratch("concurrent");
  constexpr int kThreads = 8, kKeys = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      DiskMeasurementCache c(dir, 64 << 20);
      for (int k = 0; k < kKeys; ++k) {
        // Half the keys are shared by every thread, half are the thread's own.
        const std::string key = k % 2 == 0 ? "shared" + std::to_string(k)
                                           : "own" + std::to_string(t) + "_" + std::to_string(k);
        c.store(key, {distinct_measurement(k)});
        const auto v = c.find(key);
        ASSERT_TRUE(v.has_value());
        EXPECT_EQ(v->at(0), distinct_measurement(k));
      }
    });
  for (auto& th : threads) th.join();
  const auto files = cache_entry_files(dir);
  EXPECT_EQ(files.size(), static_cast<std::size_t>(kKeys / 2 + kThreads * kKeys / 2));
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    EXPECT_TRUE(decode_cache_entry(s.str()).has_value()) << f;
  }
  for (const auto& e : fs::recursive_directory_iterator(dir))
    EXPECT_NE(e.path().extension(), ".tmp") << "temporary file left: " << e.path();
  const CacheCounts n = read_cache_counts(dir);
  EXPECT_EQ(n.stores, static_cast<std::uint64_t>(kThreads * kKeys));
  EXPECT_EQ(n.hits, static_cast<std::uint64_t>(kThreads * kKeys));
  EXPECT_EQ(n.corrupt, 0u);
}

TEST(DiskMeasurementCache, EvictsLeastRecentlyUsedBeyondItsLimit) {
  const fs::path dir = scratch("evict");
  const std::string bytes = encode_cache_entry({"k0", {distinct_measurement(0)}});
  const std::uint64_t limit = bytes.size() * 5;  // room for five entries
  {
    DiskMeasurementCache c(dir, limit);
    for (int k = 0; k < 10; ++k) {
      std::string key = "k";
      key += std::to_string(k);
      c.store(key, {distinct_measurement(0)});
      // Distinct last-use times, k0 used most recently of all.
      fs::last_write_time(cache_entry_path(dir, key),
                          fs::file_time_type::clock::now() - std::chrono::seconds(100 - k));
    }
    fs::last_write_time(cache_entry_path(dir, "k0"), fs::file_time_type::clock::now());
  }
  std::uint64_t total = 0;
  for (const auto& f : cache_entry_files(dir)) total += fs::file_size(f);
  EXPECT_LE(total, limit);
  EXPECT_TRUE(fs::exists(cache_entry_path(dir, "k0"))) << "the most recently used stays";
  EXPECT_TRUE(fs::exists(cache_entry_path(dir, "k9")));
  EXPECT_FALSE(fs::exists(cache_entry_path(dir, "k1"))) << "the least recently used goes";
  EXPECT_GT(read_cache_counts(dir).evicted, 0u);
}

OperatorGraph decode_graph(std::size_t batch, std::int64_t context) {
  const ModelConfig model =
      load_model("llama-3.1-8b", std::string(MAIA_SOURCE_DIR) + "/configs/models");
  const Quantization q{DType::kFp8, DType::kFp8, DType::kFp8};
  return build_iteration_graph(model, q, std::vector<Sequence>(batch, Sequence{context, 1, true}));
}

// A value of the knob's type that differs from `v` (range checks are not the key's concern).
nlohmann::json other_value(const KnobInfo& k, const nlohmann::json& v) {
  switch (k.type) {
    case KnobType::kInt:
      return v.get<std::int64_t>() + 1;
    case KnobType::kDouble:
      return v.get<double>() * 1.5 + 1;
    case KnobType::kString:
      for (const auto& c : k.choices)
        if (c != v.get<std::string>()) return c;
      return v.get<std::string>() + "x";
    case KnobType::kIntList: {
      auto l = v;
      if (l.empty()) return nlohmann::json::array({1});
      l[0] = l[0].get<std::int64_t>() + 1;
      return l;
    }
  }
  return v;
}

TEST(MeasurementRequest, EveryChipKnobChangesTheKey) {
  const ChipConfig base;
  const OperatorGraph g = decode_graph(2, 64);
  MeasurementRequest r;
  r.ops = request_operators(g, 0, 1);
  const std::string key = describe_measurement(chip_config_to_json(base), r);
  ASSERT_GT(chip_knobs().size(), 50u);
  for (const Knob& k : chip_knobs()) {
    ChipConfig c = base;
    k.set(c, other_value(k, k.get(base)));
    ASSERT_NE(k.get(c), k.get(base)) << k.path;
    EXPECT_NE(describe_measurement(chip_config_to_json(c), r), key) << k.path;
  }
  // And every part of the request.
  MeasurementRequest r2 = r;
  r2.parity = 1;
  EXPECT_NE(describe_measurement(chip_config_to_json(base), r2), key);
  r2 = r;
  r2.weights_resident = true;
  EXPECT_NE(describe_measurement(chip_config_to_json(base), r2), key);
  r2 = r;
  r2.ops.ops[0].shape = GemmShape{1, 2, 3};
  EXPECT_NE(describe_measurement(chip_config_to_json(base), r2), key);
}

// A cache in memory, counting what it is asked.
class MemoryCache final : public MeasurementCache {
 public:
  std::optional<std::vector<OpMeasurement>> find(const std::string& d) override {
    const auto it = entries.find(d);
    if (it == entries.end()) return std::nullopt;
    ++hits;
    return it->second;
  }
  void store(const std::string& d, const std::vector<OpMeasurement>& v) override { entries[d] = v; }
  std::map<std::string, std::vector<OpMeasurement>> entries;
  int hits = 0;
};

ChipSession& session() {
  static ChipSession s{ChipConfig{}};
  return s;
}

TEST(MeasurementCacheInExecutor, ColdWarmAndNoCacheGiveIdenticalResults) {
  const ChipConfig cfg;
  const OperatorGraph g = decode_graph(4, 256);
  OpExecutor plain(session(), cfg);
  const IterationResult none = plain.run_graph(g);
  MemoryCache cache;
  OpExecutor cold_exec(session(), cfg);
  cold_exec.set_measurement_cache(&cache);
  const IterationResult cold = cold_exec.run_graph(g);
  ASSERT_GT(cache.entries.size(), 3u);
  EXPECT_EQ(cache.hits, 0);
  OpExecutor warm_exec(session(), cfg);
  warm_exec.set_measurement_cache(&cache);
  const IterationResult warm = warm_exec.run_graph(g);
  EXPECT_GT(cache.hits, 3);
  EXPECT_EQ(cold, none);
  EXPECT_EQ(warm, none);
  EXPECT_EQ(warm_exec.simulated(), plain.simulated());
  EXPECT_EQ(warm_exec.reused(), plain.reused());
  // Every entry simulates again to what it holds (what maia-sim cache verify checks).
  OpExecutor verifier(session(), cfg);
  int checked = 0;
  for (const auto& [description, value] : cache.entries) {
    if (checked++ == 4) break;
    const DescribedMeasurement d = parse_measurement_description(description, "entry");
    EXPECT_EQ(verifier.measure(d.request), value) << description.substr(description.size() - 300);
  }
}

// verify simulates an entry again from its description: an entry whose measurements are not
// the simulation's (a stale model, a bug) is reported; one of another model version is not
// simulated (runs never use it).
TEST(CacheVerification, ReportsAnEntryThatDiffersFromTheSimulation) {
  const fs::path dir = scratch("verify");
  const OperatorGraph g = decode_graph(2, 64);
  MeasurementRequest r;
  r.ops = request_operators(g, 0, 1);
  const std::string d = describe_measurement(chip_config_to_json(ChipConfig{}), r);
  auto doc = nlohmann::ordered_json::parse(d);
  ASSERT_EQ(doc["model_version"], kModelVersion);
  doc["model_version"] = kModelVersion + 1000;
  const std::string old_version = doc.dump();
  {
    DiskMeasurementCache c(dir, 1 << 20);
    c.store(d, {distinct_measurement(1)});
    c.store(old_version, {distinct_measurement(2)});
  }
  const CacheVerification v = verify_cache(dir, 8);
  EXPECT_EQ(v.entries, 2u);
  EXPECT_EQ(v.intact, 2u);
  EXPECT_EQ(v.corrupt, 0u);
  EXPECT_EQ(v.other_version, 1u);
  EXPECT_EQ(v.resimulated, 1u);
  ASSERT_EQ(v.mismatched_files.size(), 1u);
  EXPECT_EQ(v.mismatched_files[0], cache_entry_path(dir, d).string());
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
