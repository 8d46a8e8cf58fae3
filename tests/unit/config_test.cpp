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
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kMaia200 = std::string(MAIA_SOURCE_DIR) + "/configs/maia200.json";

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
  // The file itself lists every knob with its default value (nothing left implicit).
  Json doc = Json::parse(std::ifstream(kMaia200));
  doc.erase("description");
  EXPECT_EQ(doc, Json::parse(chip_config_to_json(ChipConfig{}).dump()));
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
