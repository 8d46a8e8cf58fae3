// Chip configuration loading: every class of bad input must produce an InputError that names
// where (file or --set), the JSON path, the rule and the offending value; `extends` and `--set`
// layering; the defaults are the Maia 200 values of configs/maia200.json; the knob table is
// complete and self-consistent.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <systemc>

#include "maia/config/any_chip_config.hpp"
#include "maia/config/chip_config.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/config_provenance.hpp"
#include "maia/config/gpu_knobs.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kMaia200 = std::string(MAIA_SOURCE_DIR) + "/configs/maia200.json";
const std::string kGpus = std::string(MAIA_SOURCE_DIR) + "/configs/gpus/";
const std::string kH100 = kGpus + "h100-sxm.json";

// A temporary directory per test, removed afterwards.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("maia_config_test_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `text` to `name` (relative to the temp dir) and returns the path.
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p);
    out << text;
    return p.string();
  }
  std::string write_json(const std::string& name, const Json& doc) {
    return write(name, doc.dump(2));
  }

  // The InputError message of loading `file` with `overrides` ("" when it loads).
  static std::string error_of(const std::string& file,
                              const std::vector<ConfigOverride>& overrides = {}) {
    try {
      load_chip_config(file, overrides);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  // The same for load_any_chip_config.
  static std::string any_error_of(const std::string& file,
                                  const std::vector<ConfigOverride>& overrides = {}) {
    try {
      load_any_chip_config(file, overrides);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

// Asserts that `msg` contains every fragment.
void expect_contains(const std::string& msg, const std::vector<std::string>& fragments) {
  EXPECT_FALSE(msg.empty()) << "expected an InputError";
  for (const auto& f : fragments)
    EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
}

// ---------------------------------------------------------------------------------------------
// File-level errors

TEST_F(ConfigTest, MissingFileNamesTheFile) {
  const std::string file = (dir_ / "does_not_exist.json").string();
  expect_contains(error_of(file), {file, "cannot open file"});
}

TEST_F(ConfigTest, InvalidJsonReportsLineAndColumn) {
  // The parser stops at the '}' that follows "stacks": on the third line.
  const std::string text = "{\n  \"clusters\": 4,\n  \"hbm\": { \"stacks\": }\n}\n";
  const std::string file = write("bad.json", text);
  const std::size_t bad = text.find("}");
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  ASSERT_EQ(line, 3u);
  expect_contains(
      error_of(file),
      {file + ":" + std::to_string(line) + ":" + std::to_string(col) + ":", "invalid JSON"});
}

TEST_F(ConfigTest, TopLevelMustBeAnObject) {
  const std::string file = write("array.json", "[1, 2]");
  expect_contains(error_of(file), {file, "(top level)", "must be a JSON object", "[1,2]"});
}

// ---------------------------------------------------------------------------------------------
// Leaf errors

TEST_F(ConfigTest, UnknownLeafKeySuggestsNearest) {
  const std::string file = write_json("typo.json", Json{{"hbm", {{"stakcs", 6}}}});
  expect_contains(error_of(file), {file, "hbm.stakcs", "unknown key", "did you mean 'hbm.stacks'"});
}

TEST_F(ConfigTest, UnknownGroupKeySuggestsNearest) {
  const std::string file = write_json("typo.json", Json{{"hmb", {{"stacks", 6}}}});
  const std::string msg = error_of(file);
  expect_contains(msg, {file, "hmb", "unknown key"});
  // The misspelt group holds a valid leaf: the suggestion should lead the user to it.
  expect_contains(msg, {"did you mean 'hbm'"});
}

TEST_F(ConfigTest, UnknownKeyViaSetSuggestsNearest) {
  expect_contains(error_of(kMaia200, {{"hmb.stacks", "6"}}),
                  {"--set hmb.stacks=6", "hmb.stacks", "unknown key", "did you mean 'hbm.stacks'"});
}

TEST_F(ConfigTest, StringForIntegerIsRejected) {
  const std::string file = write_json("type.json", Json{{"hbm", {{"stacks", "six"}}}});
  expect_contains(error_of(file), {file, "hbm.stacks", "must be an integer", "\"six\""});
}

TEST_F(ConfigTest, FloatForIntegerIsRejected) {
  const std::string file = write_json("type.json", Json{{"hbm", {{"stacks", 6.5}}}});
  expect_contains(error_of(file), {file, "hbm.stacks", "must be an integer", "6.5"});
}

TEST_F(ConfigTest, ArrayForNumberIsRejected) {
  const std::string file = write_json("type.json", Json{{"clock_ghz", Json::array({2.0})}});
  expect_contains(error_of(file), {file, "clock_ghz", "must be a number", "[2.0]"});
}

TEST_F(ConfigTest, ListElementMustBeInteger) {
  const std::string file =
      write_json("type.json", Json{{"gnoc", {{"cluster_routers", Json::array({3, 5, "x", 8})}}}});
  expect_contains(error_of(file), {file, "gnoc.cluster_routers[2]", "must be an integer", "\"x\""});
}

TEST_F(ConfigTest, OutOfRangeNamesTheBound) {
  const Knob* k = find_knob("hbm.stacks");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->min, 1);
  const std::string file = write_json("range.json", Json{{"hbm", {{"stacks", 0}}}});
  expect_contains(error_of(file), {file, "hbm.stacks: must be >= 1, got 0"});
  const auto above = static_cast<std::int64_t>(k->max) + 1;
  const std::string file2 = write_json("range2.json", Json{{"hbm", {{"stacks", above}}}});
  expect_contains(error_of(file2), {file2, "hbm.stacks: must be <= " +
                                               std::to_string(static_cast<std::int64_t>(k->max)) +
                                               ", got " + std::to_string(above)});
}

TEST_F(ConfigTest, RealOutOfRangeAndNonFinite) {
  const Knob* k = find_knob("clock_ghz");
  ASSERT_NE(k, nullptr);
  const std::string file = write_json("range.json", Json{{"clock_ghz", k->max * 2}});
  expect_contains(error_of(file), {file, "clock_ghz", "must be in [", Json(k->max * 2).dump()});
}

TEST_F(ConfigTest, ChoiceNotAllowed) {
  const Knob* k = find_knob("hbm.refresh_mode");
  ASSERT_NE(k, nullptr);
  ASSERT_FALSE(k->choices.empty());
  const std::string file =
      write_json("choice.json", Json{{"hbm", {{"refresh_mode", "sometimes"}}}});
  std::vector<std::string> want = {file, "hbm.refresh_mode", "\"sometimes\""};
  for (const auto& c : k->choices) want.push_back(c);
  expect_contains(error_of(file), want);
}

TEST_F(ConfigTest, GroupGivenAScalar) {
  const std::string file = write_json("group.json", Json{{"hbm", 6}});
  expect_contains(error_of(file),
                  {file, "hbm", "is a group of knobs and must be an object", "got 6"});
}

TEST_F(ConfigTest, ErrorInSetNamesTheSet) {
  expect_contains(error_of(kMaia200, {{"hbm.stacks", "0"}}),
                  {"--set hbm.stacks=0", "hbm.stacks: must be >= 1, got 0"});
  // A bare word is a string: a type error for an integer knob.
  expect_contains(error_of(kMaia200, {{"hbm.stacks", "six"}}),
                  {"--set hbm.stacks=six", "hbm.stacks", "must be an integer", "\"six\""});
}

// ---------------------------------------------------------------------------------------------
// Cross-knob rules

TEST_F(ConfigTest, EnabledTilesAboveTilesPerCluster) {
  const ChipConfig d;
  const std::int64_t bad = d.tiles_per_cluster + 1;
  const std::string file = write_json("x.json", Json{{"enabled_tiles_per_cluster", bad}});
  expect_contains(error_of(file),
                  {file, "enabled_tiles_per_cluster",
                   "must be <= tiles_per_cluster (" + std::to_string(d.tiles_per_cluster) + ")",
                   "got " + std::to_string(bad)});
}

TEST_F(ConfigTest, AddressMappingMustBePermutation) {
  const std::string missing_row = "stack,channel,pseudo_channel,sid,bank_group,bank,column";
  const std::string file = write_json("x.json", Json{{"hbm", {{"address_mapping", missing_row}}}});
  expect_contains(error_of(file), {file, "hbm.address_mapping", "must list each", missing_row});
  const std::string twice = "stack,stack,channel,pseudo_channel,sid,bank_group,bank,column,row";
  const std::string file2 = write_json("y.json", Json{{"hbm", {{"address_mapping", twice}}}});
  expect_contains(error_of(file2), {file2, "hbm.address_mapping", "must list each", twice});
  // A genuine permutation is accepted.
  const std::string perm = "row,column,bank,bank_group,sid,pseudo_channel,channel,stack";
  const std::string file3 = write_json("z.json", Json{{"hbm", {{"address_mapping", perm}}}});
  EXPECT_EQ(error_of(file3), "");
}

TEST_F(ConfigTest, ClusterRoutersLengthMustMatchClusters) {
  const ChipConfig d;
  std::vector<std::int64_t> routers = d.gnoc.cluster_routers;
  routers.pop_back();
  const std::string file = write_json("x.json", Json{{"gnoc", {{"cluster_routers", routers}}}});
  expect_contains(error_of(file), {file, "gnoc.cluster_routers",
                                   "one entry per cluster (" + std::to_string(d.clusters) + ")",
                                   Json(routers).dump()});
}

TEST_F(ConfigTest, RouterIdMustBeInsideMesh) {
  const ChipConfig d;
  const std::int64_t mesh = d.gnoc.mesh_cols * d.gnoc.mesh_rows;
  std::vector<std::int64_t> routers = d.gnoc.cluster_routers;
  routers.back() = mesh;
  const std::string file = write_json("x.json", Json{{"gnoc", {{"cluster_routers", routers}}}});
  expect_contains(
      error_of(file),
      {file, "gnoc.cluster_routers[" + std::to_string(routers.size() - 1) + "]",
       "< mesh_cols * mesh_rows (" + std::to_string(mesh) + ")", "got " + std::to_string(mesh)});
  const std::string file2 = write_json("y.json", Json{{"gnoc", {{"pcie_router", mesh}}}});
  expect_contains(error_of(file2), {file2, "gnoc.pcie_router", "got " + std::to_string(mesh)});
}

TEST_F(ConfigTest, InterleaveMustDivideRow) {
  const ChipConfig d;
  // A multiple of the burst that does not divide the row.
  std::int64_t il = 3 * d.hbm.burst_bytes;
  ASSERT_NE(d.hbm.row_bytes % il, 0);
  const std::string file = write_json("x.json", Json{{"hbm", {{"interleave_bytes", il}}}});
  expect_contains(error_of(file),
                  {file, "hbm.interleave_bytes",
                   "dividing hbm.row_bytes (" + std::to_string(d.hbm.row_bytes) + ")",
                   "got " + std::to_string(il)});
}

TEST_F(ConfigTest, TrayLinksPlusScaleoutWithinPorts) {
  const ChipConfig d;
  const std::int64_t per_peer = d.nic.ports;  // one peer alone already uses every port
  const std::vector<std::int64_t> tray = {per_peer, 0, 0};
  ASSERT_GT(per_peer + d.nic.scaleout_ports, d.nic.ports);
  const std::string file = write_json("x.json", Json{{"nic", {{"tray_links", tray}}}});
  expect_contains(
      error_of(file),
      {file, "nic.tray_links", "nic.scaleout_ports (" + std::to_string(d.nic.scaleout_ports) + ")",
       "nic.ports (" + std::to_string(d.nic.ports) + ")", Json(tray).dump()});
}

TEST_F(ConfigTest, ValidateChipConfigDirectly) {
  ChipConfig c;
  EXPECT_NO_THROW(validate_chip_config(c, "where"));
  c.hbm.timing.tRC = c.hbm.timing.tRAS - 1;
  try {
    validate_chip_config(c, "where");
    FAIL() << "tRC < tRAS accepted";
  } catch (const InputError& e) {
    expect_contains(e.what(), {"where", "hbm.timing.tRC", "hbm.timing.tRAS"});
  }
}

// ---------------------------------------------------------------------------------------------
// extends and --set

TEST_F(ConfigTest, ExtendsChildOverridesBase) {
  write_json("base.json", Json{{"clock_ghz", 1.5}, {"tile", {{"tcp_dispatch_cycles", 7}}}});
  const std::string child = write_json(
      "child.json", Json{{"extends", "base.json"}, {"description", "x"}, {"clock_ghz", 1.8}});
  const ChipConfig c = load_chip_config(child);
  EXPECT_DOUBLE_EQ(c.clock_ghz, 1.8);                // child wins
  EXPECT_EQ(c.tile.tcp_dispatch_cycles, 7);          // inherited from the base
  EXPECT_EQ(c.hbm.stacks, ChipConfig{}.hbm.stacks);  // untouched: default
}

TEST_F(ConfigTest, ExtendsResolvesRelativeToTheExtendingFile) {
  write_json("configs/base.json", Json{{"tile", {{"tcp_dispatch_cycles", 9}}}});
  const std::string child = write_json("configs/variants/child.json",
                                       Json{{"extends", "../base.json"}, {"clock_ghz", 1.2}});
  // The working directory is not the temp dir, so only file-relative resolution finds the base.
  ASSERT_NE(fs::current_path(), dir_ / "configs/variants");
  const ChipConfig c = load_chip_config(child);
  EXPECT_EQ(c.tile.tcp_dispatch_cycles, 9);
  EXPECT_DOUBLE_EQ(c.clock_ghz, 1.2);
}

TEST_F(ConfigTest, ExtendsErrorInBaseNamesTheBase) {
  const std::string base = write_json("base.json", Json{{"hbm", {{"stacks", 0}}}});
  const std::string child =
      write_json("child.json", Json{{"extends", "base.json"}, {"clock_ghz", 1.8}});
  const std::string msg = error_of(child);
  expect_contains(msg, {"base.json", "hbm.stacks: must be >= 1, got 0"});
  EXPECT_EQ(msg.find("child.json"), std::string::npos) << msg;
}

TEST_F(ConfigTest, ExtendsCycleIsDetected) {
  write_json("a.json", Json{{"extends", "b.json"}});
  const std::string b = write_json("b.json", Json{{"extends", "a.json"}});
  expect_contains(error_of(b), {"extends", "cycle"});
  const std::string self = write_json("self.json", Json{{"extends", "self.json"}});
  expect_contains(error_of(self), {"self.json", "extends", "cycle"});
}

TEST_F(ConfigTest, ExtendsMustBeAString) {
  const std::string file = write_json("x.json", Json{{"extends", 5}});
  expect_contains(error_of(file), {file, "extends", "must be a file path string", "got 5"});
}

TEST_F(ConfigTest, SetOverridesApplyAfterFilesInOrder) {
  write_json("base.json", Json{{"clock_ghz", 1.5}});
  const std::string child =
      write_json("child.json", Json{{"extends", "base.json"}, {"clock_ghz", 1.8}});
  const ChipConfig c = load_chip_config(
      child, {parse_override("clock_ghz=1.9"), parse_override("hbm.refresh_mode=all_bank"),
              parse_override("gnoc.cluster_routers=[3,5,6,7]"), parse_override("clock_ghz=1.7")});
  EXPECT_DOUBLE_EQ(c.clock_ghz, 1.7);         // the last --set wins over files and earlier --sets
  EXPECT_EQ(c.hbm.refresh_mode, "all_bank");  // a bare word is a string
  EXPECT_EQ(c.gnoc.cluster_routers, (std::vector<std::int64_t>{3, 5, 6, 7}));
  // --set with no file: built-in defaults plus the override.
  EXPECT_EQ(load_chip_config("", {parse_override("tile.semaphores=17")}).tile.semaphores, 17);
}

TEST_F(ConfigTest, MalformedSetIsRejected) {
  for (const std::string bad : {"hbm.stacks", "=6", "hbm.stacks="}) {
    try {
      parse_override(bad);
      ADD_FAILURE() << "accepted --set " << bad;
    } catch (const InputError& e) {
      expect_contains(e.what(), {"--set " + bad, "knob.path=value", "\"" + bad + "\""});
    }
  }
  const ConfigOverride o = parse_override("a.b=c=d");
  EXPECT_EQ(o.path, "a.b");
  EXPECT_EQ(o.value, "c=d");
}

// ---------------------------------------------------------------------------------------------
// Defaults and the knob table

TEST_F(ConfigTest, DefaultsAreTheMaia200File) {
  const ChipConfig from_file = load_chip_config(kMaia200);
  EXPECT_EQ(chip_config_to_json(from_file), chip_config_to_json(ChipConfig{}));
  // The file itself lists its kind and every knob with its default value (nothing left implicit).
  Json doc = Json::parse(std::ifstream(kMaia200));
  doc.erase("description");
  EXPECT_EQ(doc, Json::parse(any_chip_config_to_json(AnyChipConfig(ChipConfig{})).dump()));
}

TEST_F(ConfigTest, ConfigJsonRoundTrips) {
  ChipConfig c;
  c.clock_ghz = 1.25;
  c.hbm.refresh_mode = "all_bank";
  c.nic.tray_links = {1, 2, 3};
  const std::string file = write("dump.json", chip_config_to_json(c).dump(2));
  EXPECT_EQ(chip_config_to_json(load_chip_config(file)), chip_config_to_json(c));
}

TEST_F(ConfigTest, EveryKnobIsDescribedAndItsDefaultInRange) {
  const ChipConfig d;
  std::set<std::string> paths;
  ASSERT_FALSE(chip_knobs().empty());
  for (const Knob& k : chip_knobs()) {
    SCOPED_TRACE(k.path);
    EXPECT_TRUE(paths.insert(k.path).second) << "duplicate knob";
    EXPECT_EQ(find_knob(k.path), &k);
    EXPECT_FALSE(k.description.empty());
    EXPECT_FALSE(knob_type_name(k.type).empty());
    EXPECT_FALSE(k.unit.empty() && knob_type_name(k.type).empty());
    EXPECT_FALSE(knob_range_text(k).empty());
    ASSERT_TRUE(k.get);
    ASSERT_TRUE(k.set);
    const Json v = k.get(d);
    switch (k.type) {
      case KnobType::kInt:
      case KnobType::kDouble: {
        EXPECT_FALSE(k.unit.empty()) << "numeric knob without a unit";
        EXPECT_LE(k.min, k.max);
        ASSERT_TRUE(v.is_number());
        EXPECT_GE(v.get<double>(), k.min);
        EXPECT_LE(v.get<double>(), k.max);
        if (k.type == KnobType::kInt) {
          EXPECT_TRUE(v.is_number_integer());
        }
        break;
      }
      case KnobType::kIntList: {
        EXPECT_FALSE(k.unit.empty());
        EXPECT_LE(k.min, k.max);
        ASSERT_TRUE(v.is_array());
        for (const auto& e : v) {
          EXPECT_GE(e.get<double>(), k.min);
          EXPECT_LE(e.get<double>(), k.max);
        }
        break;
      }
      case KnobType::kString: {
        ASSERT_TRUE(v.is_string());
        if (!k.choices.empty()) {
          EXPECT_NE(std::find(k.choices.begin(), k.choices.end(), v.get<std::string>()),
                    k.choices.end());
        }
        break;
      }
    }
    // set(get()) is the identity, and set() really writes the field get() reads.
    ChipConfig c;
    k.set(c, v);
    EXPECT_EQ(k.get(c), v);
  }
  // Every leaf of the config JSON is a knob (besides the name).
  std::size_t leaves = 0;
  std::function<void(const nlohmann::ordered_json&)> count = [&](const nlohmann::ordered_json& j) {
    for (const auto& [key, val] : j.items()) {
      if (val.is_object())
        count(val);
      else
        ++leaves;
    }
  };
  count(chip_config_to_json(d));
  EXPECT_EQ(leaves, chip_knobs().size() + 1);
}

// ---------------------------------------------------------------------------------------------
// Chip kinds and the GPU configs

// Published figures of each shipped GPU (vendor datasheets and whitepapers, baselines.md), typed
// in here as the independent oracle the configs' knobs must reproduce. 0: not supported.
struct Published {
  std::string file;
  std::int64_t sms;
  double bf16_tflops, fp8_tflops, fp4_tflops;
  double hbm_tbps;  // peak HBM bandwidth, TB/s
  double hbm_gb;    // HBM capacity, GB as vendors count HBM (GiB)
};

const std::vector<Published> kPublished = {
    {"a100-sxm4-80gb.json", 108, 312, 0, 0, 2.039, 80},
    {"h100-sxm.json", 132, 989, 1979, 0, 3.35, 80},
    {"h200-sxm.json", 132, 989, 1979, 0, 4.8, 141},
    {"b200.json", 148, 2250, 4500, 9000, 7.7, 180},
    {"mi300x.json", 304, 1307.4, 2614.9, 0, 5.3, 192},
};

void expect_within_1pct(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 0.01 * want) << what << ": " << got << " vs published " << want;
}

TEST_F(ConfigTest, EveryGpuConfigLoadsAndReproducesThePublishedPeaks) {
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(kGpus)) files.insert(e.path().filename().string());
  ASSERT_EQ(files.size(), kPublished.size()) << "every configs/gpus file needs published figures";
  for (const auto& p : kPublished) {
    SCOPED_TRACE(p.file);
    ASSERT_TRUE(files.count(p.file));
    const AnyChipConfig any = load_any_chip_config(kGpus + p.file);
    ASSERT_EQ(chip_kind(any), ChipKind::kGpu);
    const GpuConfig& g = std::get<GpuConfig>(any);
    EXPECT_EQ(chip_name(any) + ".json", p.file);
    EXPECT_EQ(g.sm.count, p.sms);
    auto tflops = [&](std::int64_t macs) {
      return static_cast<double>(g.sm.count * macs) * 2 * g.clock_ghz / 1e3;
    };
    expect_within_1pct(tflops(g.sm.macs_per_cycle_fp16), p.bf16_tflops, "dense BF16 TFLOPS");
    if (p.fp8_tflops > 0)
      expect_within_1pct(tflops(g.sm.macs_per_cycle_fp8), p.fp8_tflops, "dense FP8 TFLOPS");
    else
      EXPECT_EQ(g.sm.macs_per_cycle_fp8, 0);
    if (p.fp4_tflops > 0)
      expect_within_1pct(tflops(g.sm.macs_per_cycle_fp4), p.fp4_tflops, "dense FP4 TFLOPS");
    else
      EXPECT_EQ(g.sm.macs_per_cycle_fp4, 0);
    // 1024 DQ pins per stack (HBM2e: 8 x 128, HBM3: 16 x 64).
    const double tbps = static_cast<double>(g.hbm.stacks) * 1024 * g.hbm.pin_rate_gbps / 8e3;
    expect_within_1pct(tbps, p.hbm_tbps, "HBM TB/s");
    EXPECT_EQ(1024 % (g.hbm.channels_per_stack * g.hbm.pseudo_channels), 0);
    const double gib = static_cast<double>(hbm_capacity_bytes(g.hbm)) / (1ull << 30);
    expect_within_1pct(gib, p.hbm_gb, "HBM GB");
  }
}

TEST_F(ConfigTest, EveryValueOfEveryGpuConfigHasFileProvenance) {
  for (const auto& p : kPublished) {
    SCOPED_TRACE(p.file);
    const auto entries = load_config_provenance(kGpus + p.file);
    ASSERT_EQ(entries.size(), gpu_knobs().size());
    for (const auto& e : entries) {
      SCOPED_TRACE(e.path);
      EXPECT_NE(e.source, "knob table") << "no provenance entry in the file or its bases";
      EXPECT_FALSE(e.note.empty());
    }
  }
  // h200 extends h100: inherited values keep h100's entries, its own values have its own.
  std::map<std::string, KnobProvenance> h200;
  for (const auto& e : load_config_provenance(kGpus + "h200-sxm.json")) h200[e.path] = e;
  EXPECT_EQ(fs::path(h200.at("sm.count").source).filename(), "h100-sxm.json");
  EXPECT_EQ(fs::path(h200.at("hbm.stacks").source).filename(), "h200-sxm.json");
  // --set values are marked as such.
  for (const auto& e : load_config_provenance(kH100, {{"clock_ghz", "1.5"}}))
    if (e.path == "clock_ghz") {
      EXPECT_EQ(e.tag, Provenance::kAssumption);
      EXPECT_NE(e.note.find("--set clock_ghz=1.5"), std::string::npos) << e.note;
    }
}

TEST_F(ConfigTest, KindAbsentMeansMaia) {
  const std::string file = write_json("old.json", Json{{"name", "old"}, {"clusters", 4}});
  const AnyChipConfig any = load_any_chip_config(file);
  EXPECT_EQ(chip_kind(any), ChipKind::kMaia);
  EXPECT_EQ(chip_name(any), "old");
  EXPECT_EQ(chip_kind(load_any_chip_config(kMaia200)), ChipKind::kMaia);
  EXPECT_EQ(any_chip_config_to_json(any)["kind"], "maia");
}

TEST_F(ConfigTest, UnknownKindListsTheKnownKinds) {
  const std::string file = write_json("tpu.json", Json{{"kind", "tpu"}});
  expect_contains(any_error_of(file), {file, "kind: must be one of maia, gpu", "\"tpu\""});
  expect_contains(error_of(file), {file, "kind", "maia, gpu", "\"tpu\""});
  const std::string num = write_json("num.json", Json{{"kind", 3}});
  expect_contains(any_error_of(num), {num, "kind: must be a string", "3"});
  EXPECT_THROW(parse_chip_kind("Maia", "x"), InputError);
  EXPECT_EQ(parse_chip_kind("gpu", "x"), ChipKind::kGpu);
}

TEST_F(ConfigTest, MaiaCommandsRefuseGpuConfigsByName) {
  expect_contains(error_of(kH100), {kH100 + ": kind: this command needs a maia chip, got \"gpu\""});
}

TEST_F(ConfigTest, MaiaKnobInGpuConfigIsNamed) {
  const std::string file =
      write_json("mixed.json", Json{{"extends", kH100}, {"tile", {{"ttu", {{"tile_m", 32}}}}}});
  expect_contains(any_error_of(file),
                  {file + ": tile.ttu.tile_m: a knob of kind maia, not of kind gpu"});
  const std::string leaf = write_json("leaf.json", Json{{"extends", kH100}, {"clusters", 4}});
  expect_contains(any_error_of(leaf), {leaf + ": clusters: a knob of kind maia, not of kind gpu"});
}

TEST_F(ConfigTest, GpuKnobInMaiaConfigIsNamed) {
  const std::string file =
      write_json("mixed.json", Json{{"extends", kMaia200}, {"sm", {{"count", 132}}}});
  expect_contains(any_error_of(file), {file + ": sm.count: a knob of kind gpu, not of kind maia"});
  expect_contains(error_of(file), {file + ": sm.count: a knob of kind gpu, not of kind maia"});
}

TEST_F(ConfigTest, SetOnAKnobOfTheOtherKindIsNamed) {
  expect_contains(
      any_error_of(kH100, {{"tile.ttu.tile_m", "16"}}),
      {"--set tile.ttu.tile_m=16: tile.ttu.tile_m: a knob of kind maia, not of kind gpu"});
  expect_contains(any_error_of(kMaia200, {{"kernel.gemm_efficiency", "0.5"}}),
                  {"--set kernel.gemm_efficiency=0.5: kernel.gemm_efficiency: a knob of kind "
                   "gpu, not of kind maia"});
  expect_contains(any_error_of(kH100, {{"kind", "maia"}}),
                  {"--set kind=maia", "kind: describes the config file and cannot be set"});
  // Shared knobs are knobs of both kinds.
  const auto g = std::get<GpuConfig>(load_any_chip_config(kH100, {{"hbm.stacks", "4"}}));
  EXPECT_EQ(g.hbm.stacks, 4);
}

TEST_F(ConfigTest, GpuConfigMustGiveEveryKnob) {
  const std::string file =
      write_json("partial.json", Json{{"kind", "gpu"},
                                      {"name", "partial"},
                                      {"clock_ghz", 1.5},
                                      {"provenance", {{"clock_ghz", "A: a test value"}}}});
  const std::string msg = any_error_of(file);
  expect_contains(
      msg, {file, "must give every knob of its kind",
            fmt::format("missing {}", gpu_knobs().size() - 1), "tdp_w, memory_type", "and "});
  EXPECT_EQ(msg.find("clock_ghz"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(", name"), std::string::npos) << msg;
}

TEST_F(ConfigTest, GpuValuesNeedProvenance) {
  // A value the file sets needs its own entry, even when its base had one for the old value.
  const std::string file = write_json("noprov.json", Json{{"extends", kH100}, {"clock_ghz", 1.7}});
  expect_contains(any_error_of(file),
                  {file, "provenance: a config of this kind needs a provenance object"});
  const std::string partial = write_json("partial.json", Json{{"extends", kH100},
                                                              {"clock_ghz", 1.7},
                                                              {"tdp_w", 600},
                                                              {"provenance", {{"tdp_w", "O: x"}}}});
  expect_contains(any_error_of(partial),
                  {partial + ": provenance.clock_ghz: every value the file sets needs a "
                             "provenance entry",
                   "1 without one: clock_ghz"});
  const std::string unknown =
      write_json("unknown.json", Json{{"extends", kH100}, {"provenance", {{"sm.cnt", "O: x"}}}});
  expect_contains(
      any_error_of(unknown),
      {unknown + ": provenance.sm.cnt: names no knob of kind gpu", "did you mean 'sm.count'"});
  const std::string other =
      write_json("other.json", Json{{"extends", kH100}, {"provenance", {{"clusters", "O: x"}}}});
  expect_contains(any_error_of(other),
                  {other + ": provenance.clusters: a knob of kind maia, not of kind gpu"});
  for (const Json& bad : {Json("X: unknown tag"), Json("O"), Json("O:  "), Json(3)}) {
    const std::string f = write_json(
        "tag.json", Json{{"extends", kH100}, {"tdp_w", 600}, {"provenance", {{"tdp_w", bad}}}});
    expect_contains(any_error_of(f), {f + ": provenance.tdp_w: must"});
  }
  // A file that only renames its base sets no knob value: no provenance needed.
  const std::string renamed = write_json("renamed.json", Json{{"extends", kH100}, {"name", "x"}});
  EXPECT_EQ(any_error_of(renamed), "");
  const std::string ok = write_json(
      "ok.json",
      Json{{"extends", kH100}, {"tdp_w", 600}, {"provenance", {{"tdp_w", "C: fitted"}}}});
  EXPECT_EQ(any_error_of(ok), "");
}

TEST_F(ConfigTest, KindMustMatchTheExtendedFile) {
  const std::string file = write_json("flip.json", Json{{"extends", kH100}, {"kind", "maia"}});
  expect_contains(any_error_of(file),
                  {file, "kind: must match the kind of the extended file", "(gpu)", "\"maia\""});
}

TEST_F(ConfigTest, GpuCrossKnobRules) {
  expect_contains(any_error_of(kH100, {{"kernel.gemm_efficiency", "0"}}),
                  {kH100, "kernel.gemm_efficiency: must be in (0, 1]", "got 0"});
  expect_contains(any_error_of(kH100, {{"kernel.cta_tile_m", "[64,24]"}}),
                  {kH100, "kernel.cta_tile_m[1]: must be a positive multiple of 16", "got 24"});
  expect_contains(any_error_of(kH100, {{"kernel.cta_tile_n", "[]"}}),
                  {"kernel.cta_tile_n: must list at least one tile size"});
  expect_contains(any_error_of(kH100, {{"kernel.cta_tile_k", "40"}}),
                  {"kernel.cta_tile_k: must be a positive multiple of 16", "got 40"});
  expect_contains(any_error_of(kH100, {{"hbm.interleave_bytes", "48"}}),
                  {kH100, "hbm.interleave_bytes: must be a multiple of hbm.burst_bytes"});
  expect_contains(any_error_of(kH100, {{"hbm.channels_per_stack", "12"}}),
                  {"hbm.pseudo_channels: channels_per_stack (12) x pseudo_channels must divide"});
  expect_contains(any_error_of(kH100, {{"kernel.memory_efficiency", "1.5"}}),
                  {"kernel.memory_efficiency: must be in [0, 1] fraction", "got 1.5"});
}

TEST_F(ConfigTest, AnyConfigJsonRoundTrips) {
  for (const auto& p : kPublished) {
    SCOPED_TRACE(p.file);
    const AnyChipConfig c = load_any_chip_config(kGpus + p.file);
    nlohmann::ordered_json doc = any_chip_config_to_json(c);
    EXPECT_EQ(doc["kind"], "gpu");
    doc["provenance"] = provenance_to_json(load_config_provenance(kGpus + p.file));
    const std::string file = write("dump.json", doc.dump(2));
    EXPECT_EQ(any_chip_config_to_json(load_any_chip_config(file)), any_chip_config_to_json(c));
  }
  ChipConfig m;
  m.clock_ghz = 1.25;
  const std::string file = write("maia.json", any_chip_config_to_json(AnyChipConfig(m)).dump(2));
  const AnyChipConfig back = load_any_chip_config(file);
  EXPECT_EQ(chip_kind(back), ChipKind::kMaia);
  EXPECT_EQ(any_chip_config_to_json(back), any_chip_config_to_json(AnyChipConfig(m)));
  EXPECT_EQ(chip_config_to_json(load_chip_config(file)), chip_config_to_json(m));
}

TEST_F(ConfigTest, EveryGpuKnobIsDescribedAndBound) {
  const GpuConfig d;
  std::set<std::string> paths;
  for (const GpuKnob& k : gpu_knobs()) {
    SCOPED_TRACE(k.path);
    EXPECT_TRUE(paths.insert(k.path).second) << "duplicate knob";
    EXPECT_EQ(find_gpu_knob(k.path), &k);
    EXPECT_FALSE(k.description.empty());
    EXPECT_FALSE(k.source_note.empty());
    EXPECT_FALSE(knob_range_text(k).empty());
    ASSERT_TRUE(k.get);
    ASSERT_TRUE(k.set);
    const Json v = k.get(d);
    if (k.type == KnobType::kInt || k.type == KnobType::kDouble) {
      EXPECT_FALSE(k.unit.empty()) << "numeric knob without a unit";
      EXPECT_GE(v.get<double>(), k.min);
      EXPECT_LE(v.get<double>(), k.max);
    }
    GpuConfig c;
    k.set(c, v);
    EXPECT_EQ(k.get(c), v);
  }
  // HBM and PCIe knobs are the Maia definitions (one table), under the same paths.
  for (const Knob& k : chip_knobs()) {
    if (k.path.rfind("hbm.", 0) != 0 && k.path.rfind("pcie.", 0) != 0) continue;
    const GpuKnob* g = find_gpu_knob(k.path);
    ASSERT_NE(g, nullptr) << k.path;
    EXPECT_EQ(g->unit, k.unit);
    EXPECT_EQ(g->min, k.min);
    EXPECT_EQ(g->max, k.max);
  }
  // Every leaf of the gpu config JSON is a knob (besides kind and name).
  std::size_t leaves = 0;
  std::function<void(const nlohmann::ordered_json&)> count = [&](const nlohmann::ordered_json& j) {
    for (const auto& [key, val] : j.items()) {
      if (val.is_object())
        count(val);
      else
        ++leaves;
    }
  };
  count(any_chip_config_to_json(AnyChipConfig(d)));
  EXPECT_EQ(leaves, gpu_knobs().size() + 2);
}

TEST_F(ConfigTest, ProvenanceCodesRoundTrip) {
  for (auto p : {Provenance::kOfficial, Provenance::kSecondHand, Provenance::kInferred,
                 Provenance::kStandard, Provenance::kAssumption, Provenance::kCalibrated})
    EXPECT_EQ(parse_provenance_code(provenance_code(p)), p);
  EXPECT_EQ(provenance_code(Provenance::kCalibrated), "C");
  EXPECT_FALSE(parse_provenance_code("X").has_value());
}

TEST_F(ConfigTest, NearestMatch) {
  EXPECT_EQ(nearest_match("stakcs", {"stacks", "banks"}), "stacks");
  EXPECT_EQ(nearest_match("zzzzzzzzzz", {"stacks", "banks"}), "");
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
