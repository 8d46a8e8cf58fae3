// Regression checks (docs/regression.md): the metric table, tolerances and verdicts, result
// formats, per-operator attribution, suite files, the renderings, and the determinism of a
// suite's results across runs and --jobs settings.
#include <systemc>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "maia/core/error.hpp"
#include "maia/regress/attribution.hpp"
#include "maia/regress/compare.hpp"
#include "maia/regress/metrics.hpp"
#include "maia/regress/results.hpp"
#include "maia/regress/suite.hpp"

namespace maia::regress {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string read_all(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "maia-regress-test-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Json summary(double ttft, double tps, double wall) {
  Json j;
  j["model"] = "m";
  j["chip"] = "c";
  j["workload"] = {{"mode", "static"}, {"batch", 2}};
  j["latency"] = {{"ttft_ms", {{"mean", ttft}, {"p99", ttft}}}};
  j["throughput"] = {{"output_tokens_per_s", tps}};
  j["memory"] = {{"weight_bytes", 100}};
  j["simulation"] = {{"wall_s", wall}, {"ops_simulated", 10}};
  return j;
}

CaseResult one(const Json& j) { return results_from_json(j, "test").cases.at(0); }

CompareOptions options(const std::string& tol = "2%") {
  CompareOptions o;
  o.tolerances.global = parse_tolerance(tol, "test");
  return o;
}

const MetricDiff& metric(const CaseComparison& c, const std::string& name) {
  for (const auto& m : c.metrics)
    if (m.name == name) return m;
  throw std::runtime_error("no metric " + name);
}

TEST(RegressMetrics, TableKnowsDirectionsAndInformationalFigures) {
  EXPECT_EQ(classify_metric("latency.ttft_ms.p99").direction, Direction::kLowerIsBetter);
  EXPECT_FALSE(classify_metric("latency.ttft_ms.p99").informational);
  EXPECT_EQ(classify_metric("throughput.output_tokens_per_s").direction,
            Direction::kHigherIsBetter);
  EXPECT_EQ(classify_metric("achieved_tflops").direction, Direction::kHigherIsBetter);
  EXPECT_EQ(classify_metric("serving.queueing_delay_ms.p50").direction, Direction::kLowerIsBetter);
  EXPECT_EQ(classify_metric("serving.prefix_hit_rate").direction, Direction::kHigherIsBetter);
  EXPECT_EQ(classify_metric("requests.rejected").direction, Direction::kLowerIsBetter);
  EXPECT_EQ(classify_metric("memory.weight_bytes").direction, Direction::kNeutral);
  // The simulator measuring itself never fails a check.
  EXPECT_TRUE(classify_metric("simulation.wall_s").informational);
  EXPECT_TRUE(classify_metric("simulation.ops_reused").informational);
  EXPECT_TRUE(classify_metric("real_time_ns").informational);
  EXPECT_TRUE(classify_metric("phases.decode.simulated_iterations").informational);
  EXPECT_FALSE(classify_metric("phases.decode.time_ms").informational);
  // Unknown: reported, informational, neutral.
  const MetricClass u = classify_metric("plan.bm");
  EXPECT_FALSE(u.known);
  EXPECT_TRUE(u.informational);
  EXPECT_EQ(u.direction, Direction::kNeutral);
  EXPECT_TRUE(glob_match("latency.*.p99", "latency.ttft_ms.p99"));
  EXPECT_FALSE(glob_match("latency.*.p99", "latency.ttft_ms.p50"));
}

TEST(RegressTolerance, ParsesPercentAbsoluteAndInfo) {
  const Tolerance r = parse_tolerance("2%", "t");
  EXPECT_EQ(r.kind, Tolerance::Kind::kRelative);
  EXPECT_DOUBLE_EQ(r.value, 0.02);
  EXPECT_EQ(r.text(), "2%");
  const Tolerance a = parse_tolerance("0.5", "t");
  EXPECT_EQ(a.kind, Tolerance::Kind::kAbsolute);
  EXPECT_DOUBLE_EQ(a.value, 0.5);
  EXPECT_EQ(parse_tolerance("info", "t").kind, Tolerance::Kind::kInformational);
  EXPECT_EQ(error_of([] { parse_tolerance("2 percent", "--tolerance"); }),
            "--tolerance: must be a percentage like 2%, an absolute amount like 0.5, or info, "
            "got \"2 percent\"");
  EXPECT_NE(error_of([] { parse_tolerance("-1%", "t"); }), "");
  EXPECT_NE(error_of([] { parse_tolerance("%", "t"); }), "");
}

TEST(RegressTolerance, ExactNameThenLongestPatternThenLayerOrder) {
  ToleranceSpec spec;
  spec.global = parse_tolerance("2%", "t");
  ToleranceLayer caze, suite;
  caze.per_metric = {{"latency.*", parse_tolerance("10%", "t")}};
  suite.fallback = parse_tolerance("3%", "t");
  suite.per_metric = {{"latency.ttft_ms.p99", parse_tolerance("1%", "t")},
                      {"latency.*.p50", parse_tolerance("7%", "t")}};
  spec.layers = {caze, suite};
  // The case's layer wins over the suite's, even with a shorter pattern.
  EXPECT_EQ(spec.for_metric("latency.ttft_ms.p99").text(), "10%");
  EXPECT_EQ(spec.for_metric("throughput.output_tokens_per_s").text(), "3%");  // suite fallback
  spec.layers = {suite};
  EXPECT_EQ(spec.for_metric("latency.ttft_ms.p99").text(), "1%");  // exact name
  EXPECT_EQ(spec.for_metric("latency.ttft_ms.p50").text(), "7%");
  spec.layers.clear();
  EXPECT_EQ(spec.for_metric("x").text(), "2%");
}

TEST(RegressCompare, VerdictsFollowDirectionToleranceAndInformational) {
  const CaseResult base = one(summary(10.0, 100.0, 1.0));
  // Within 2%: ok; wall time doubled: informational, never fails.
  CaseComparison c = compare_case(base, one(summary(10.1, 99.0, 2.0)), options());
  EXPECT_EQ(c.status, "pass");
  EXPECT_EQ(metric(c, "latency.ttft_ms.mean").verdict, Verdict::kOk);
  EXPECT_EQ(metric(c, "simulation.wall_s").verdict, Verdict::kRegressed);
  EXPECT_FALSE(metric(c, "simulation.wall_s").fails);
  // Slower TTFT and lower throughput: regressed.
  c = compare_case(base, one(summary(11.0, 90.0, 1.0)), options());
  EXPECT_EQ(c.status, "fail");
  EXPECT_EQ(metric(c, "latency.ttft_ms.mean").verdict, Verdict::kRegressed);
  EXPECT_EQ(metric(c, "throughput.output_tokens_per_s").verdict, Verdict::kRegressed);
  EXPECT_EQ(c.failures(), 3);
  // Faster beyond tolerance: improved, which fails unless allowed.
  c = compare_case(base, one(summary(9.0, 100.0, 1.0)), options());
  EXPECT_EQ(metric(c, "latency.ttft_ms.mean").verdict, Verdict::kImproved);
  EXPECT_EQ(c.status, "fail");
  CompareOptions allow = options();
  allow.allow_improvements = true;
  EXPECT_EQ(compare_case(base, one(summary(9.0, 100.0, 1.0)), allow).status, "pass");
  // A wider tolerance absorbs it; an absolute one is in the metric's unit.
  EXPECT_EQ(compare_case(base, one(summary(11.0, 95.0, 1.0)), options("11%")).status, "pass");
  EXPECT_EQ(compare_case(base, one(summary(10.4, 100.0, 1.0)), options("0.5")).status, "pass");
  EXPECT_EQ(compare_case(base, one(summary(10.6, 100.0, 1.0)), options("0.5")).status, "fail");
  // Neutral metrics fail as changed whichever way they move.
  Json j = summary(10.0, 100.0, 1.0);
  j["memory"]["weight_bytes"] = 50;
  c = compare_case(base, one(j), options());
  EXPECT_EQ(metric(c, "memory.weight_bytes").verdict, Verdict::kChanged);
  EXPECT_TRUE(metric(c, "memory.weight_bytes").fails);
  // The worst metric is the failing one that moved most.
  ASSERT_NE(c.worst(), nullptr);
  EXPECT_EQ(c.worst()->name, "memory.weight_bytes");
}

TEST(RegressCompare, MissingFailsNewDoesNotAndContextIsNoted) {
  Json base = summary(10.0, 100.0, 1.0);
  Json cand = summary(10.0, 100.0, 1.0);
  cand["latency"].erase("ttft_ms");
  cand["serving"] = {{"preemptions", 0}};
  cand["workload"]["batch"] = 4;
  cand["chip"] = "other";
  CaseComparison c = compare_case(one(base), one(cand), options());
  EXPECT_EQ(metric(c, "latency.ttft_ms.mean").verdict, Verdict::kMissing);
  EXPECT_TRUE(metric(c, "latency.ttft_ms.mean").fails);
  EXPECT_EQ(metric(c, "serving.preemptions").verdict, Verdict::kNew);
  EXPECT_FALSE(metric(c, "serving.preemptions").fails);
  EXPECT_EQ(c.failures(), 2);
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_EQ(c.notes[0], "chip: c -> other");
  EXPECT_EQ(c.notes[1], "workload.batch: 2 -> 4");
  // Zero baselines: equal is ok, anything else moved.
  Json z0 = summary(0.0, 100.0, 1.0), z1 = summary(0.001, 100.0, 1.0);
  EXPECT_EQ(compare_case(one(z0), one(z0), options()).status, "pass");
  EXPECT_EQ(compare_case(one(z0), one(z1), options()).status, "fail");
}

TEST(RegressResults, DetectsEveryFormat) {
  // summary.json: workload and quantization are context, not metrics.
  const CaseResult s = one(summary(1, 2, 3));
  EXPECT_EQ(s.format, "summary");
  EXPECT_EQ(s.find("workload.batch"), nullptr);
  ASSERT_NE(s.find("latency.ttft_ms.p99"), nullptr);
  // One microbenchmark: its parameters are context.
  const Json mb = {{"benchmark", "gemm"},
                   {"dtype", "fp8"},
                   {"m", 512},
                   {"achieved_tflops", 90.5},
                   {"bytes", {{"hbm_read", 10}}}};
  const CaseResult m = one(mb);
  EXPECT_EQ(m.format, "microbench");
  EXPECT_EQ(m.find("m"), nullptr);
  EXPECT_NE(m.find("achieved_tflops"), nullptr);
  EXPECT_NE(m.find("bytes.hbm_read"), nullptr);
  // microbench all: one case per benchmark.
  const Json all = {
      {"benchmarks",
       Json::array({mb, {{"benchmark", "hbm"}, {"pattern", "seq"}, {"achieved_gbps", 1.0}}})}};
  const ResultSet a = results_from_json(all, "all.json");
  ASSERT_EQ(a.cases.size(), 2u);
  EXPECT_EQ(a.cases[0].name, "gemm-fp8");
  EXPECT_EQ(a.cases[1].name, "hbm-seq");
  // Google Benchmark: times in ns, every figure informational.
  const Json gb = {{"context", {{"num_cpus", 2}}},
                   {"benchmarks", Json::array({{{"name", "b/x"},
                                                {"real_time", 2.5},
                                                {"cpu_time", 0.1},
                                                {"time_unit", "ms"},
                                                {"iterations", 3},
                                                {"family_index", 0},
                                                {"deltas_per_s", 1000.0}}})}};
  const ResultSet b = results_from_json(gb, "bench.json");
  ASSERT_EQ(b.cases.size(), 1u);
  EXPECT_TRUE(b.cases[0].all_informational);
  ASSERT_NE(b.cases[0].find("real_time_ns"), nullptr);
  EXPECT_DOUBLE_EQ(b.cases[0].find("real_time_ns")->value, 2.5e6);
  EXPECT_EQ(b.cases[0].find("family_index"), nullptr);
  Json slower = gb;
  slower["benchmarks"][0]["real_time"] = 5.0;
  const Comparison c = compare_sets(b, results_from_json(slower, "b2"), options());
  EXPECT_EQ(c.exit_code(), 0);
  EXPECT_EQ(metric(c.cases[0], "real_time_ns").verdict, Verdict::kRegressed);
  // Bad input.
  EXPECT_NE(
      error_of([] { results_from_json(Json::array(), "x.json"); }).find("must be a JSON object"),
      std::string::npos);
  EXPECT_NE(error_of([] {
              results_from_json(Json{{"a", "b"}}, "x.json");
            }).find("no numeric value"),
            std::string::npos);
  EXPECT_NE(error_of([] { load_results("/nonexistent/summary.json"); }).find("no such file"),
            std::string::npos);
}

TEST(RegressResults, DirectoriesOfCasesMatchByName) {
  TempDir t;
  write(t.path / "a" / "one" / "summary.json", summary(1, 2, 3).dump());
  write(t.path / "a" / "two" / "summary.json", summary(1, 2, 3).dump());
  write(t.path / "b" / "one" / "summary.json", summary(1, 2, 3).dump());
  write(t.path / "b" / "three" / "summary.json", summary(1, 2, 3).dump());
  const ResultSet a = load_results((t.path / "a").string());
  ASSERT_TRUE(a.multi);
  ASSERT_EQ(a.cases.size(), 2u);
  const Comparison c = compare_sets(a, load_results((t.path / "b").string()), options());
  ASSERT_EQ(c.cases.size(), 3u);
  EXPECT_EQ(c.cases[0].status, "pass");
  EXPECT_EQ(c.cases[1].status, "fail");  // two: missing in the candidate
  EXPECT_EQ(c.cases[2].status, "new");   // three: no baseline
  EXPECT_EQ(c.exit_code(), 4);
  EXPECT_NE(error_of([&] { load_results(t.path.string()); }).find("no summary.json"),
            std::string::npos);
}

const char* kOpsHeader =
    "phase,name,layer,kind,time_us,flops,hbm_bytes,sram_bytes,achieved_tflops,"
    "achieved_hbm_gbps,roofline_us,fraction_of_roofline,bound,reused\n";

TEST(RegressAttribution, GroupsOperatorsAndEnginesAndRanksTheMovers) {
  TempDir t;
  write(t.path / "base.csv", std::string(kOpsHeader) +
                                 "prefill,down,0,gemm,10,100,1000,0,0,0,5,0.5,hbm,false\n"
                                 "prefill,down,1,gemm,10,100,1000,0,0,0,5,0.5,hbm,false\n"
                                 "prefill,\"a,b\",0,vector,2,0,10,0,0,0,1,0.5,vector,false\n"
                                 "decode,up,0,gemm,4,100,500,0,0,0,2,0.5,compute,false\n");
  write(t.path / "cand.csv", std::string(kOpsHeader) +
                                 "prefill,down,0,gemm,15,100,1000,0,0,0,5,0.5,hbm,false\n"
                                 "prefill,down,1,gemm,15,100,1000,0,0,0,5,0.5,hbm,false\n"
                                 "prefill,\"a,b\",0,vector,2,0,10,0,0,0,1,0.5,vector,false\n"
                                 "decode,up,0,gemm,6,100,500,0,0,0,2,0.5,hbm,false\n");
  const auto rows = read_ops_csv((t.path / "base.csv").string());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[2].name, "a,b");
  const Attribution a =
      attribute_files((t.path / "base.csv").string(), (t.path / "cand.csv").string(), 8);
  ASSERT_TRUE(a.available);
  EXPECT_DOUBLE_EQ(a.base_total_us, 26);
  EXPECT_DOUBLE_EQ(a.cand_total_us, 38);
  EXPECT_EQ(a.operators_changed, 2);
  ASSERT_EQ(a.operators.size(), 2u);
  EXPECT_EQ(a.operators[0].name, "down");
  EXPECT_EQ(a.operators[0].count_cand, 2);
  EXPECT_DOUBLE_EQ(a.operators[0].delta_us(), 10);
  EXPECT_EQ(a.operators[1].name, "up");
  EXPECT_EQ(a.operators[1].bound_base, "compute");
  EXPECT_EQ(a.operators[1].bound_cand, "hbm");
  // HBM-bound time grew by 10 + 6; TTU lost the 4 us operator that moved to HBM.
  ASSERT_GE(a.engines.size(), 2u);
  EXPECT_EQ(a.engines[0].engine, "HBM");
  EXPECT_DOUBLE_EQ(a.engines[0].delta_us(), 16);
  EXPECT_EQ(a.engines[1].engine, "TTU");
  EXPECT_DOUBLE_EQ(a.engines[1].delta_us(), -4);
  EXPECT_EQ(attribute_files((t.path / "base.csv").string(), "", 8).available, false);
  write(t.path / "bad.csv", "phase,name\nprefill,x\n");
  EXPECT_NE(
      error_of([&] { read_ops_csv((t.path / "bad.csv").string()); }).find("no 'time_us' column"),
      std::string::npos);
}

TEST(RegressAttribution, OpsCsvReadsQuotedFieldsAcrossLines) {
  TempDir t;
  write(t.path / "q.csv",
        std::string(kOpsHeader) +
            "prefill,\"expert \"\"7\"\",\nsecond line\",0,gemm,2,0,10,0,0,0,1,0.5,hbm,false\r\n"
            "decode,down,0,gemm,3,0,10,0,0,0,1,0.5,compute,false\n");
  const auto rows = read_ops_csv((t.path / "q.csv").string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "expert \"7\",\nsecond line");
  EXPECT_EQ(rows[0].bound, "hbm");
  EXPECT_EQ(rows[1].name, "down");
  EXPECT_DOUBLE_EQ(rows[1].time_us, 3);
  const std::string open = (t.path / "open.csv").string();
  write(open, std::string(kOpsHeader) + "decode,down,0,gemm,3,0,10,0,0,0,1,0.5,hbm,false\n" +
                  "prefill,\"no end,0,gemm,2,0,10,0,0,0,1,0.5,hbm,false\n");
  EXPECT_EQ(error_of([&] { read_ops_csv(open); }),
            open + ":3: unterminated quoted field (no closing '\"' before the end of the file)");
}

TEST(RegressRender, TableJsonAndMarkdownNameTheMetricsAndOperators) {
  TempDir t;
  write(t.path / "a" / "summary.json", summary(10, 100, 1).dump());
  write(t.path / "b" / "summary.json", summary(12, 100, 1).dump());
  write(t.path / "a" / "ops.csv",
        std::string(kOpsHeader) + "prefill,down,0,gemm,10,100,1000,0,0,0,5,0.5,hbm,false\n");
  write(t.path / "b" / "ops.csv",
        std::string(kOpsHeader) + "prefill,down,0,gemm,12,100,1000,0,0,0,5,0.5,hbm,false\n");
  const Comparison c = compare_sets(load_results((t.path / "a").string()),
                                    load_results((t.path / "b").string()), options());
  EXPECT_EQ(c.exit_code(), 4);
  RenderOptions all;
  const std::string text = render_text(c, all);
  EXPECT_NE(text.find("latency.ttft_ms.mean"), std::string::npos);
  EXPECT_NE(text.find("REGRESSED"), std::string::npos);
  EXPECT_NE(text.find("down"), std::string::npos);
  EXPECT_NE(text.find("HBM"), std::string::npos);
  EXPECT_NE(text.find("simulation.wall_s"), std::string::npos);
  RenderOptions changed;
  changed.all_metrics = false;
  EXPECT_EQ(render_text(c, changed).find("simulation.wall_s"), std::string::npos);
  const Json j = render_json(c);
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["exit_code"], 4);
  EXPECT_EQ(j["cases"][0]["attribution"]["operators"][0]["operator"], "down");
  EXPECT_EQ(j["cases"][0]["metrics"][0]["direction"], "lower");
  const std::string md = render_markdown(c, all);
  EXPECT_NE(md.find("| `latency.ttft_ms.mean` |"), std::string::npos);
  EXPECT_NE(md.find("**REGRESSED**"), std::string::npos);
  EXPECT_NE(md.find("<details>"), std::string::npos);
}

TEST(RegressSuite, ParsesCasesIntoCommandLines) {
  TempDir t;
  write(t.path / "suite.json", R"({
    "name": "s", "baselines": "base", "tolerance": "3%",
    "defaults": {"chip": "chip.json", "set": {"hbm.stacks": 4}},
    "cases": [
      {"name": "g", "kind": "microbench", "workload": {"benchmark": "gemm", "m": 512}},
      {"name": "st", "kind": "static", "model": "llama-3.1-8b",
       "workload": {"batch": 2, "prompt": 64}, "options": {"prefetch": true, "exact": false},
       "set": {"hbm.pin_rate_gbps": 4.5}, "metric_tolerances": {"latency.*": "5%"}},
      {"name": "tr", "kind": "trace", "model": "llama-3.1-8b",
       "workload": {"trace": "t.csv", "max_requests": 20}}
    ]})");
  const Suite s = load_suite((t.path / "suite.json").string());
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(s.baselines, (t.path / "base").string());
  ASSERT_TRUE(s.tolerances.fallback);
  EXPECT_EQ(s.tolerances.fallback->text(), "3%");
  ASSERT_EQ(s.cases.size(), 3u);
  const std::vector<std::string> g = {"microbench", "gemm",      "--m",   "512",
                                      "--chip",     "chip.json", "--set", "hbm.stacks=4"};
  EXPECT_EQ(s.cases[0].args, g);
  const std::vector<std::string> st = {
      "run",   "--model",     "llama-3.1-8b", "--batch",   "2",     "--prompt",
      "64",    "--prefetch",  "--chip",       "chip.json", "--set", "hbm.pin_rate_gbps=4.5",
      "--set", "hbm.stacks=4"};
  EXPECT_EQ(s.cases[1].args, st);
  ASSERT_EQ(s.cases[1].tolerances.per_metric.size(), 1u);
  EXPECT_EQ(s.cases[2].args[3], "--max-requests");
  const auto cmd = case_command(s.cases[0], "/o/g");
  EXPECT_EQ(cmd.back(), "--sim-stats");
  EXPECT_EQ(case_command(s.cases[1], "/o/st").back(), "/o/st");
}

TEST(RegressSuite, RejectsMistakesWithTheirPath) {
  TempDir t;
  const auto err = [&](const std::string& cases) {
    write(t.path / "s.json", R"({"cases": [)" + cases + "]}");
    return error_of([&] { load_suite((t.path / "s.json").string()); });
  };
  const std::string f = (t.path / "s.json").string();
  EXPECT_EQ(
      err(R"({"name": "a", "kind": "static", "model": "m", "workload": {}, "tolerence": "2%"})"),
      f + ": cases[0].tolerence: unknown key (did you mean 'tolerance'?)");
  EXPECT_NE(err(R"({"name": "a", "kind": "statik", "workload": {}})").find("did you mean 'static'"),
            std::string::npos);
  EXPECT_NE(err(R"({"name": "a", "kind": "trace", "model": "m", "workload": {}})")
                .find("cases[0].workload.trace: is required for a trace case"),
            std::string::npos);
  EXPECT_NE(err(R"({"name": "a b", "kind": "static", "model": "m", "workload": {}})")
                .find("cases[0].name: must be letters"),
            std::string::npos);
  EXPECT_NE(err(R"({"name": "a", "kind": "static", "model": "m", "workload": {"out": "x"}})")
                .find("is not allowed here"),
            std::string::npos);
  EXPECT_NE(err(R"({"name": "a", "kind": "static", "model": "m", "workload": {}},
                   {"name": "a", "kind": "static", "model": "m", "workload": {}})")
                .find("cases[1].name: is the name of an earlier case"),
            std::string::npos);
  EXPECT_NE(
      err(R"({"name": "a", "kind": "static", "model": "m", "workload": {}, "tolerance": "x"})")
          .find("cases[0].tolerance: must be a percentage"),
      std::string::npos);
  EXPECT_NE(
      err(R"({"name": "a", "kind": "microbench", "model": "m", "workload": {"benchmark": "gemm"}})")
          .find("is not used by a microbench case"),
      std::string::npos);
  EXPECT_NE(err("").find("must list at least one case"), std::string::npos);
}

// Every simulated result is byte-identical across runs and --jobs settings: the project's own
// suite run twice, one case at a time and two at a time. Only summary.json's `simulation`
// block (wall time) may differ.
TEST(RegressDeterminism, SuiteResultsAreIdenticalAcrossRunsAndJobs) {
  TempDir t;
  const std::string suite = std::string(MAIA_SOURCE_DIR) + "/tests/regression/suite.json";
  for (const char* jobs : {"1", "2"}) {
    const std::string run = std::string("'") + MAIA_CLI + "' regress '" + suite + "' --jobs " +
                            jobs + " --out '" + (t.path / (std::string("run") + jobs)).string() +
                            "' > '" + (t.path / (std::string("log") + jobs)).string() + "' 2>&1";
    const int rc = std::system(run.c_str());
    ASSERT_TRUE(WIFEXITED(rc)) << run;
    // 0 or 1: the suite may have moved against its baselines; determinism is the point here.
    ASSERT_LE(WEXITSTATUS(rc), 1) << read_all((t.path / (std::string("log") + jobs)).string());
  }
  int files = 0;
  for (const auto& e : fs::directory_iterator(t.path / "run1")) {
    const fs::path other = t.path / "run2" / e.path().filename();
    ASSERT_TRUE(fs::is_directory(other)) << other;
    EXPECT_TRUE(same_results(e.path().string(), other.string())) << e.path();
    for (const char* f : {"ops.csv", "requests.csv"}) {
      if (!fs::exists(e.path() / f)) continue;
      EXPECT_EQ(read_all((e.path() / f).string()), read_all((other / f).string())) << e.path() / f;
      ++files;
    }
    Json a = Json::parse(read_all((e.path() / "summary.json").string()));
    Json b = Json::parse(read_all((other / "summary.json").string()));
    ASSERT_TRUE(a.contains("simulation")) << e.path();
    a.erase("simulation");
    b.erase("simulation");
    EXPECT_EQ(a.dump(2), b.dump(2)) << e.path();
    ++files;
  }
  EXPECT_GE(files, 12);
}

}  // namespace
}  // namespace maia::regress

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
