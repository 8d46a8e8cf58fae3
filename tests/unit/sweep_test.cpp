// Sweep specs: validation errors, expansion counts (cross product, zip groups, ranges,
// constraints), point identity and input fingerprints, the constraint language, Pareto fronts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <systemc>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/stable_hash.hpp"
#include "maia/sweep/constraint_expr.hpp"
#include "maia/sweep/key_metrics.hpp"
#include "maia/sweep/output_lock.hpp"
#include "maia/sweep/sweep_manifest.hpp"
#include "maia/sweep/sweep_points.hpp"
#include "maia/sweep/sweep_report.hpp"
#include "maia/sweep/sweep_results.hpp"
#include "maia/sweep/sweep_spec.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

// A few of maia-sim run's options (the CLI supplies the real set; these stand in for it).
SweepContext context() {
  SweepContext ctx;
  ctx.run_options = {{"model", true}, {"batch", true},  {"prompt", true},
                     {"gen", true},   {"exact", false}, {"chip", true},
                     {"set", true},   {"out", true},    {"help", false}};
  ctx.project_root = MAIA_SOURCE_DIR;
  ctx.models_dir = std::string(MAIA_SOURCE_DIR) + "/configs/models";
  ctx.default_chip = std::string(MAIA_SOURCE_DIR) + "/configs/maia200.json";
  return ctx;
}

std::string write_spec(const std::string& text) {
  static int n = 0;
  const fs::path dir = fs::temp_directory_path() / fmt::format("maia-sweep-test-{}", getpid());
  fs::create_directories(dir);
  const fs::path file = dir / fmt::format("spec{}.json", n++);
  std::ofstream(file) << text;
  return file.string();
}

// Every point of a spec, resolved through the lazy point space.
std::vector<SweepPoint> expand(const std::string& text) {
  const std::string file = write_spec(text);
  const SweepContext ctx = context();
  const SweepSpec spec = load_sweep_spec(file, ctx);
  const SweepPointSpace space(spec, ctx);
  std::vector<SweepPoint> points;
  for (std::int64_t i = 0; i < space.size(); ++i) points.push_back(space.at(i));
  return points;
}

// The InputError message of loading and expanding `text` ("" when it succeeds).
std::string error_of(const std::string& text) {
  try {
    expand(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const std::string kBase =
    R"("base": {"model": "llama-3.1-8b", "options": {"batch": 1, "prompt": 128, "gen": 4}})";

TEST(SweepSpec, CrossProductCountsEveryCombination) {
  const auto points = expand("{" + kBase + R"(, "axes": [
      {"path": "hbm.pin_rate_gbps", "values": [6.4, 8.0, 9.114]},
      {"option": "batch", "values": [1, 8]},
      {"option": "gen", "values": [2, 4]}]})");
  ASSERT_EQ(points.size(), 3u * 2u * 2u);
  // First axis slowest, last fastest; every combination once.
  EXPECT_EQ(points[0].params["gen"], 2);
  EXPECT_EQ(points[1].params["gen"], 4);
  EXPECT_EQ(points[2].params["batch"], 8);
  std::set<std::string> combos, ids;
  for (const auto& p : points) {
    combos.insert(p.params.dump());
    ids.insert(p.id);
  }
  EXPECT_EQ(combos.size(), points.size());
  EXPECT_EQ(ids.size(), points.size());
}

TEST(SweepSpec, ZipGroupMovesTogether) {
  const auto points = expand("{" + kBase + R"(, "axes": [
      {"path": "hbm.stacks", "values": [4, 6, 8], "zip": "hbm"},
      {"option": "batch", "values": [1, 2]},
      {"path": "gnoc.hbm_routers", "values": [[0, 2, 9, 11], [0, 1, 2, 9, 10, 11],
                                              [0, 1, 2, 9, 10, 11, 4, 7]], "zip": "hbm"}]})");
  ASSERT_EQ(points.size(), 3u * 2u);
  for (const auto& p : points) {
    EXPECT_EQ(p.params["gnoc.hbm_routers"].size(), p.params["hbm.stacks"].get<std::size_t>());
    EXPECT_TRUE(p.skip_reason.empty()) << p.skip_reason;
  }
}

TEST(SweepSpec, ZipGroupsNeedEqualLengths) {
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [
      {"path": "hbm.stacks", "values": [4, 6], "zip": "hbm"},
      {"path": "gnoc.hbm_routers", "values": [[0, 2, 9, 11]], "zip": "hbm"}]})")
                .find("same number of values"),
            std::string::npos);
}

TEST(SweepSpec, RangeIncludesItsEnd) {
  const auto points =
      expand("{" + kBase + R"(, "axes": [{"option": "batch", "range": [1, 9, 4]}]})");
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[2].params["batch"], 9);
  const auto doubles = expand(
      "{" + kBase + R"(, "axes": [{"path": "hbm.pin_rate_gbps", "range": [6.0, 7.0, 0.25]}]})");
  EXPECT_EQ(doubles.size(), 5u);
}

TEST(SweepSpec, ConstraintsSkipWithTheirReason) {
  const auto points = expand("{" + kBase + R"(, "axes": [
      {"path": "cluster.csram.bytes", "values": [26214400, 47185920]},
      {"option": "batch", "values": [1, 2, 4]}],
      "constraints": [{"expr": "chip.total_sram_mib <= 270", "reason": "over budget"},
                      {"expr": "batch * 2 != 8", "reason": "batch 4 excluded"}]})");
  ASSERT_EQ(points.size(), 6u);
  int over = 0, excluded = 0;
  for (const auto& p : points) {
    over += p.skip_reason == "over budget";
    excluded += p.skip_reason == "batch 4 excluded";
  }
  EXPECT_EQ(over, 3);      // the larger CSRAM: 40 x 3 MiB + 4 x 45 MiB = 300 MiB
  EXPECT_EQ(excluded, 1);  // batch 4 with the smaller CSRAM
}

TEST(SweepSpec, InvalidChipCombinationIsSkippedNotRun) {
  // 4 stacks with the default 6 HBM routers breaks a cross-knob rule.
  const auto points =
      expand("{" + kBase + R"(, "axes": [{"path": "hbm.stacks", "values": [4, 6]}]})");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_NE(points[0].skip_reason.find("gnoc.hbm_routers"), std::string::npos);
  EXPECT_TRUE(points[1].skip_reason.empty());
}

TEST(SweepSpec, ValidationNamesPathRuleAndSuggestion) {
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"path": "hbm.stakcs", "values": [4]}]})")
                .find("axes[0].path: 'hbm.stakcs' is not a chip knob (did you mean 'hbm.stacks'?)"),
            std::string::npos);
  // An option run does not have (pipeline parallelism; the fixture's option set is a subset).
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "pp", "values": [1, 2]}]})")
                .find("'pp' is not an option of maia-sim run"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "btach", "values": [1]}]})")
                .find("did you mean 'batch'"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "out", "values": ["x"]}]})")
                .find("cannot be set in a sweep"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"path": "hbm.stacks", "values": [0]}]})")
                .find("axes[0].values[0]: hbm.stacks: must be"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "exact", "values": [1]}]})")
                .find("is a flag and takes true or false"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "batch", "values": []}]})")
                .find("axes[0].values: must be a non-empty array"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "batch", "values": [1, 1]}]})")
                .find("axes[0].values[1]: repeats values[0] (1)"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [{"option": "batch", "values": [1]}], "axis": []})")
                .find("axis: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"base": {"model": "llama-3.1-9b"}, "axes": []})").find("unknown model"),
            std::string::npos);
  EXPECT_NE(
      error_of("{" + kBase + R"(, "axes": [], "constraints": [{"expr": "chip.total_sram <= 1"}]})")
          .find("did you mean 'chip.total_sram_mib'"),
      std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [], "constraints": [{"expr": "batch <"}]})")
                .find("expected a value"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase + R"(, "axes": [], "constraints": [{"expr": "batch + 1"}]})")
                .find("must be a condition"),
            std::string::npos);
}

TEST(SweepPoints, IdFollowsCoordinatesHashFollowsInputs) {
  const std::string axes = R"(, "axes": [{"option": "batch", "values": [1, 2]}]})";
  const auto a = expand("{" + kBase + axes);
  const auto b = expand(
      R"({"base": {"model": "llama-3.1-8b", "options": {"batch": 1, "prompt": 128, "gen": 8}})" +
      axes);
  const auto c = expand("{" + kBase + axes);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].id, b[0].id);                  // same coordinates
  EXPECT_NE(a[0].input_hash, b[0].input_hash);  // gen differs
  EXPECT_EQ(a[0].input_hash, c[0].input_hash);  // deterministic
  EXPECT_NE(a[0].input_hash, a[1].input_hash);
}

// Expected digests below were computed independently with Debian's xxh128sum (package xxhash)
// on files holding exactly the bytes named in each comment.
TEST(StableHash, IsXxh3With128BitsOfLengthPrefixedFields) {
  // printf '' | xxh128sum (the published XXH3-128 of empty input)
  const StableHash none;
  EXPECT_EQ(none.hex(), "99aa06d3014798d86001c324468d497f");
  // printf '3:abc' | xxh128sum
  StableHash one;
  EXPECT_EQ(one.add("abc").hex(), "e65c44bb7aba03e4df313f512e822ad8");
  // printf '3:abc2:de' | xxh128sum: fields stream into one digest
  StableHash two;
  EXPECT_EQ(two.add("abc").add("de").hex(), "3f74adf96a1df8aecc1844bdecf8bcf8");
  StableHash split;
  EXPECT_NE(split.add("ab").add("cde").hex(), two.hex());
}

TEST(StableHash, FileHashIsXxh128sumOfTheContents) {
  const std::string small = testing::TempDir() + "stable_hash_small.txt";
  const std::string big = testing::TempDir() + "stable_hash_big.bin";
  {
    std::ofstream(small, std::ios::binary) << "maia-sim sweep\n";
    std::ofstream out(big, std::ios::binary);
    for (int i = 0; i < 200000; ++i) out.put(static_cast<char>((i * 7 + 3) % 251));  // > 1 block
  }
  // printf 'maia-sim sweep\n' | xxh128sum
  EXPECT_EQ(hash_file_contents(small), "a18540c23f7ee87052c7bc0c63b94b4e");
  // python3 -c "open('big.bin','wb').write(bytes((i*7+3)%251 for i in range(200000)))"
  EXPECT_EQ(hash_file_contents(big), "21d6ecf1e7c13af0799cc039afce482e");
  EXPECT_THROW(hash_file_contents(testing::TempDir() + "no_such_file"), InputError);
  fs::remove(small);
  fs::remove(big);
}

TEST(SweepPoints, IdIsTheHashOfTheCoordinates) {
  const auto points = expand("{" + kBase + R"(, "axes": [{"option": "batch", "values": [1, 2]}]})");
  ASSERT_EQ(points.size(), 2u);
  // printf '11:{"batch":1}' | xxh128sum, and the same for 2: the first 12 hex digits
  EXPECT_EQ(points[0].id, "b61aed42aa48");
  EXPECT_EQ(points[1].id, "54694ee4eaa8");
}

TEST(SweepPoints, RunArgumentsCarryOptionsAndFlags) {
  const auto points =
      expand("{" + kBase + R"(, "axes": [{"option": "exact", "values": [true, false]}]})");
  const auto with = point_run_args(points[0], context(), "c.json", "o");
  const auto without = point_run_args(points[1], context(), "c.json", "o");
  EXPECT_NE(std::find(with.begin(), with.end(), "--exact"), with.end());
  EXPECT_EQ(std::find(without.begin(), without.end(), "--exact"), without.end());
  EXPECT_NE(std::find(with.begin(), with.end(), "--batch"), with.end());
}

TEST(ConstraintExpr, EvaluatesArithmeticLogicAndStrings) {
  const auto lookup = [](const std::string& n) -> ExprValue {
    if (n == "model") return std::string("llama-3.1-8b");
    return n == "a" ? 3.0 : 4.0;
  };
  const auto holds = [&](const std::string& text) {
    return ConstraintExpr::parse(text, "t").holds(lookup);
  };
  EXPECT_TRUE(holds("a * 2 + 1 == 7"));
  EXPECT_TRUE(holds("(a + b) / 7 == 1 && !(a > b)"));
  EXPECT_TRUE(holds("a > b || model == \"llama-3.1-8b\""));
  EXPECT_FALSE(holds("-a >= 0"));
  EXPECT_THROW(holds("model < 3"), InputError);
  EXPECT_THROW(holds("a / (b - 4) > 1"), InputError);
}

TEST(SweepReport, ParetoFrontIsExactlyTheNonDominatedRows) {
  std::vector<OJson> rows;
  // A deterministic cloud of (throughput, latency) points, some failed.
  for (int i = 0; i < 40; ++i) {
    OJson r;
    r["index"] = i;
    r["id"] = std::to_string(i);
    r["status"] = i % 7 == 3 ? "failed" : "ok";
    r["output_tokens_per_s"] = static_cast<double>((i * 37) % 23);
    r["tpot_ms_p99"] = static_cast<double>((i * 11) % 13);
    rows.push_back(r);
  }
  const auto a = parse_objective("output_tokens_per_s");
  const auto b = parse_objective("tpot_ms_p99");
  const auto front = pareto_front(rows, a, b);
  const auto dominates = [](const OJson& x, const OJson& y) {
    const double xa = x["output_tokens_per_s"], ya = y["output_tokens_per_s"];
    const double xb = x["tpot_ms_p99"], yb = y["tpot_ms_p99"];
    return xa >= ya && xb <= yb && (xa > ya || xb < yb);
  };
  std::set<std::string> on_front;
  for (const auto& f : front) on_front.insert(f["id"].get<std::string>());
  ASSERT_FALSE(front.empty());
  for (const auto& r : rows) {
    if (r["status"] != "ok") {
      EXPECT_FALSE(on_front.count(r["id"].get<std::string>()));
      continue;
    }
    bool dominated = false;
    for (const auto& o : rows) dominated = dominated || (o["status"] == "ok" && dominates(o, r));
    EXPECT_EQ(on_front.count(r["id"].get<std::string>()) == 1, !dominated) << r.dump();
  }
  EXPECT_THROW(parse_objective("output_tokens_per_sec"), InputError);
  EXPECT_EQ(parse_objective("min:hbm.stacks").direction, regress::Direction::kLowerIsBetter);
}

TEST(SweepReport, BestPerMetricFollowsDirection) {
  std::vector<OJson> rows;
  for (int i = 0; i < 5; ++i) {
    OJson r;
    r["index"] = i;
    r["id"] = std::to_string(i);
    r["status"] = i == 4 ? "failed" : "ok";
    r["output_tokens_per_s"] = i == 4 ? 1e9 : 10.0 * i;
    r["ttft_ms_p99"] = 5.0 - i;
    rows.push_back(r);
  }
  int seen = 0;
  for (const auto& b : best_per_metric(rows)) {
    if (b.metric == "output_tokens_per_s" || b.metric == "ttft_ms_p99") {
      EXPECT_EQ(b.row["id"], "3") << b.metric;  // highest / lowest; the failed row ignored
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST(SweepResults, CsvQuotesAndOrdersColumns) {
  SweepPoint p;
  p.index = 0;
  p.id = "x";
  p.params["model"] = "a,b";
  OJson metrics;
  metrics["tpot_ms_p99"] = 2.0;
  metrics["output_tokens_per_s"] = 1.0;
  const std::string csv = results_csv({sweep_row(p, kStatusOk, metrics, "say \"hi\"")});
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "index,id,status,model,output_tokens_per_s,tpot_ms_p99,message");
  EXPECT_NE(csv.find("\"a,b\""), std::string::npos);
  EXPECT_NE(csv.find("\"say \"\"hi\"\"\""), std::string::npos);
}

// Per watt is measured energy: tokens_per_joule and tokens_per_dollar come from summary.json's
// energy and cost blocks (not a TDP), and both are higher-is-better metrics.
TEST(SweepResults, PerWattAndPerDollarAreTheMeasuredEnergyAndCost) {
  nlohmann::json summary;
  summary["throughput"]["output_tokens_per_s"] = 1500.0;
  summary["energy"]["tokens_per_joule"] = 3.0;
  summary["energy"]["average_power_w"] = 500.0;
  summary["cost"]["tokens_per_dollar"] = 1e6;
  const OJson m = point_metrics(summary);
  EXPECT_DOUBLE_EQ(m["tokens_per_joule"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(m["average_power_w"].get<double>(), 500.0);
  EXPECT_DOUBLE_EQ(m["tokens_per_dollar"].get<double>(), 1e6);
  EXPECT_FALSE(m.contains("output_tokens_per_s_per_w"));
  for (const char* name : {"tokens_per_joule", "tokens_per_dollar"})
    EXPECT_EQ(find_metric(name)->direction, regress::Direction::kHigherIsBetter) << name;
  // Without the blocks (an older summary) the metrics are absent, not zero.
  summary.erase("energy");
  summary.erase("cost");
  EXPECT_FALSE(point_metrics(summary).contains("tokens_per_joule"));
}

// The lazy space against an eager expansion written here, independently: nested loops over the
// axes (first slowest, a zip group moving together) and the constraint evaluated by hand.
TEST(SweepPoints, LazyPointEqualsTheEagerExpansion) {
  const std::string file = write_spec(R"({"base": {"model": "llama-3.1-8b",
      "options": {"batch": 1, "prompt": 128, "gen": 4}, "params": {"tdp_w": 750}}, "axes": [
      {"option": "batch", "values": [1, 2, 4]},
      {"path": "hbm.pin_rate_gbps", "values": [6.4, 9.114], "zip": "hbm"},
      {"option": "gen", "values": [2, 3]},
      {"param": "label", "values": ["slow", "fast"], "zip": "hbm"}],
      "constraints": [{"expr": "(batch * gen != 8 && label != \"fast\") || batch == 1",
                       "reason": "r1"}]})");
  const SweepContext ctx = context();
  const SweepSpec spec = load_sweep_spec(file, ctx);
  const SweepPointSpace space(spec, ctx);
  ASSERT_EQ(space.size(), 3 * 2 * 2);
  std::int64_t i = 0;
  for (const int batch : {1, 2, 4})
    for (const int h : {0, 1})
      for (const int gen : {2, 3}) {
        const double pin = h == 0 ? 6.4 : 9.114;
        const std::string label = h == 0 ? "slow" : "fast";
        OJson params;
        params["batch"] = batch;
        params["hbm.pin_rate_gbps"] = pin;
        params["gen"] = gen;
        params["label"] = label;
        params["tdp_w"] = 750;
        const bool holds = (batch * gen != 8 && label != "fast") || batch == 1;
        const SweepPoint p = space.at(i);
        EXPECT_EQ(p.index, i);
        EXPECT_EQ(p.params.dump(), params.dump()) << "point " << i;
        EXPECT_EQ(p.skip_reason, holds ? "" : "r1") << "point " << i;
        EXPECT_EQ(p.options["batch"], batch);
        EXPECT_EQ(p.options["gen"], gen);
        EXPECT_NE(p.chip_json.find(fmt::format("\"pin_rate_gbps\": {}", pin)), std::string::npos);
        EXPECT_EQ(p.id, space.id(i));
        ++i;
      }
}

// A million points cost nothing until one is asked for: the last one is computed directly.
TEST(SweepPoints, MillionPointSpecIsIndexedNotExpanded) {
  const std::string file = write_spec("{" + kBase + R"(, "axes": [
      {"param": "a", "range": [0, 999, 1]},
      {"param": "b", "range": [0, 99, 1]},
      {"option": "batch", "range": [1, 10, 1]}]})");
  const SweepContext ctx = context();
  const SweepSpec spec = load_sweep_spec(file, ctx);
  const SweepPointSpace space(spec, ctx);
  ASSERT_EQ(space.size(), 1000000);
  const SweepPoint last = space.at(999999);
  EXPECT_EQ(last.params["a"], 999);
  EXPECT_EQ(last.params["b"], 99);
  EXPECT_EQ(last.params["batch"], 10);
  const SweepPoint p = space.at(123456);  // 123456 = 123 * 1000 + 45 * 10 + 6
  EXPECT_EQ(p.params["a"], 123);
  EXPECT_EQ(p.params["b"], 45);
  EXPECT_EQ(p.params["batch"], 7);
}

TEST(SweepSpec, PointCountBeyondTheMaximumIsRefusedWithTheNumbers) {
  const std::string e = error_of("{" + kBase + R"(, "axes": [
      {"param": "a", "range": [1, 1000, 1]}, {"param": "b", "range": [1, 1000, 1]},
      {"option": "batch", "values": [1, 2]}]})");
  EXPECT_NE(e.find("axes[2]: the sweep would have 2000000 points (1000 x 1000 x 2), more than "
                   "the 1000000"),
            std::string::npos)
      << e;
  const std::string huge = error_of(
      "{" + kBase + R"(, "axes": [{"param": "a", "range": [0, 9223372036854775807, 1]}]})");
  EXPECT_NE(huge.find("more than the 1000000 a sweep may have"), std::string::npos) << huge;
}

// JSON itself has no NaN or infinity (1e999 is refused by the parser); what is left is integers
// beyond the 64-bit range, which must not wrap around into range.
TEST(SweepSpec, OutOfRangeIntegersAreRefused) {
  EXPECT_NE(error_of("{" + kBase +
                     R"(, "axes": [{"path": "hbm.stacks", "values": [18446744073709551615]}]})")
                .find("axes[0].values[0]: hbm.stacks: must be"),
            std::string::npos);
  EXPECT_NE(error_of("{" + kBase +
                     R"(, "axes": [{"param": "p", "range": [0, 18446744073709551615, 1]}]})")
                .find("more than the 1000000 a sweep may have"),
            std::string::npos);
}

// Deep nesting is refused with the position, never by overflowing the stack; the message quotes
// a bounded part of the expression.
TEST(ConstraintExpr, NestingIsBoundedAndMessagesAreShort) {
  const auto error = [](const std::string& text) -> std::string {
    try {
      ConstraintExpr::parse(text, "constraints[0].expr");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  const std::string parens = std::string(10000, '(') + "1" + std::string(10000, ')') + " > 0";
  const std::string nots = std::string(1000000, '!') + "1";
  std::string chain = "1";
  for (int i = 0; i < 1000; ++i) chain += " + 1";
  chain += " > 0";
  for (const auto& text : {parens, nots, chain, std::string(100000, '-') + "1 > 0"}) {
    const std::string e = error(text);
    EXPECT_NE(e.find("nested more than 256 levels deep at column"), std::string::npos) << e;
    EXPECT_LT(e.size(), 300u) << e.substr(0, 300);
  }
  EXPECT_NE(error(parens).find("at column 258 of"), std::string::npos) << error(parens);
  // Within the bound it parses and evaluates.
  const std::string ok = std::string(200, '(') + "1" + std::string(200, ')') + " > 0";
  EXPECT_TRUE(ConstraintExpr::parse(ok, "e").holds([](const std::string&) { return 0.0; }));
  // A long bad expression is quoted cut, with its length.
  const std::string bad = error(std::string(5000, 'x') + " >");
  EXPECT_NE(bad.find("... (5002 chars)"), std::string::npos) << bad.substr(0, 300);
  EXPECT_LT(bad.size(), 300u);
}

// flock locks belong to the open file, so two locks in one process conflict like two processes.
TEST(SweepOutputLock, OneWriterPerFolderShardsShareIt) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("maia-sweep-lock-{}", getpid());
  fs::remove_all(dir);
  const auto error = [&](SweepShard shard) -> std::string {
    try {
      SweepOutputLock lock(dir.string(), shard);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  {
    const SweepOutputLock whole(dir.string(), SweepShard{});
    const std::string e = error(SweepShard{});
    EXPECT_NE(e.find(fmt::format("--out {} is being written by another sweep (pid {} on",
                                 dir.string(), getpid())),
              std::string::npos)
        << e;
    EXPECT_NE(error(SweepShard{1, 2}).find("is being written by another sweep"), std::string::npos);
  }
  {
    const SweepOutputLock a(dir.string(), SweepShard{0, 2});
    const SweepOutputLock b(dir.string(), SweepShard{1, 2});  // other shards may run meanwhile
    EXPECT_NE(error(SweepShard{0, 2}).find("another run of shard 0/2"), std::string::npos);
    EXPECT_NE(error(SweepShard{}).find("another sweep or its shards"), std::string::npos);
  }
  EXPECT_EQ(error(SweepShard{}), "");  // released with its holder
  // Not a folder, or a folder that cannot be made: the path and the reason.
  std::ofstream(dir / "file") << "x";
  try {
    SweepOutputLock lock((dir / "file").string(), SweepShard{});
    ADD_FAILURE() << "a regular file was locked as a folder";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/file: exists and is not a folder"), std::string::npos);
  }
  try {
    SweepOutputLock lock((dir / "file" / "sub").string(), SweepShard{});
    ADD_FAILURE() << "a folder under a regular file was made";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/file/sub: cannot create the folder"), std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(SweepManifest, FolderBelongsToOneSpecUnlessTakenOver) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("maia-sweep-owner-{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const SweepContext ctx = context();
  const std::string axes = R"(, "axes": [{"option": "batch", "values": [1, 2]}]})";
  const SweepSpec a = load_sweep_spec(write_spec("{" + kBase + axes), ctx);
  // The same spec, formatted differently, at another path: still the same spec.
  const SweepSpec a2 = load_sweep_spec(write_spec("{ " + kBase + "\n" + axes), ctx);
  const SweepSpec b = load_sweep_spec(
      write_spec(R"({"base": {"model": "llama-3.1-8b", "options": {"batch": 1, "prompt": 64}})" +
                 axes),
      ctx);
  EXPECT_NO_THROW(check_sweep_owner(dir.string(), b, false));  // an empty folder is anyone's
  const SweepPointSpace space(a, ctx);
  write_sweep_manifest(dir.string(), a, space);
  const nlohmann::json m = nlohmann::json::parse(std::ifstream(dir / "sweep.json"));
  EXPECT_EQ(m["points"], 2);
  EXPECT_EQ(m["ids"], nlohmann::json::array({space.id(0), space.id(1)}));
  EXPECT_EQ(m["spec_hash"], sweep_spec_hash(a));
  EXPECT_NO_THROW(check_sweep_owner(dir.string(), a, false));
  EXPECT_NO_THROW(check_sweep_owner(dir.string(), a2, false));
  try {
    check_sweep_owner(dir.string(), b, false);
    ADD_FAILURE() << "a different spec took the folder";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(a.file), std::string::npos) << msg;
    EXPECT_NE(msg.find(b.file), std::string::npos) << msg;
    EXPECT_NE(msg.find("--force"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(check_sweep_owner(dir.string(), b, true));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
