// Validation against measured results (docs/validation.md): reading the CSV, what each kind of
// published row becomes as a maia-sim run (or why it is skipped), reading the prediction back,
// the calibration/held-back split and the error statistics.
#include <systemc>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <fmt/format.h>
#include "maia/core/error.hpp"

#include "maia/validation/calibration.hpp"
#include "maia/validation/measured_results.hpp"
#include "maia/validation/row_plan.hpp"
#include "maia/validation/validation_aliases.hpp"
#include "maia/validation/validation_report.hpp"
#include "maia/validation/validation_run.hpp"

namespace maia {
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

const std::string kHeader =
    "hardware,devices,tp,model,precision,engine,isl,osl,batch_or_concurrency,metric,value,unit,"
    "source_url,notes\n";

// A scratch folder of this test's own: ctest runs the tests of this file in parallel processes.
fs::path scratch() {
  return fs::temp_directory_path() / "maia-validation-test" /
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path p = scratch() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// A configs folder holding the two GPU files the published rows name (their contents are not
// read by the planner), and the shipped models.
ValidationSettings settings() {
  ValidationSettings s;
  s.configs_dir = (scratch() / "configs").string();
  fs::create_directories(fs::path(s.configs_dir) / "gpus");
  for (const char* f : {"gpus/h100-sxm.json", "gpus/a100-sxm4-80gb.json"})
    std::ofstream(fs::path(s.configs_dir) / f) << "{}\n";
  s.models_dir = std::string(MAIA_SOURCE_DIR) + "/configs/models";
  s.length_table = "lengths.csv";
  s.max_requests = 2000;
  return s;
}

MeasuredRow row(const std::string& csv_line) {
  const auto r = read_measured_results(write_file("row.csv", kHeader + csv_line + "\n"));
  return r.rows.at(0);
}

RowPlan plan(const std::string& csv_line) {
  const RowDecision d = plan_row(row(csv_line), settings());
  if (const auto* s = std::get_if<RowSkip>(&d)) ADD_FAILURE() << "skipped: " << s->reason;
  return std::get_if<RowPlan>(&d) ? std::get<RowPlan>(d) : RowPlan{};
}

std::string skip_reason(const std::string& csv_line) {
  const RowDecision d = plan_row(row(csv_line), settings());
  return std::get_if<RowSkip>(&d) ? std::get<RowSkip>(d).reason : "";
}

bool has_args(const std::vector<std::string>& args, const std::vector<std::string>& want) {
  return std::search(args.begin(), args.end(), want.begin(), want.end()) != args.end();
}

TEST(MeasuredResults, MissingColumnsAreNamedAndRowsMustMatchTheHeader) {
  const std::string bad = write_file("bad.csv", "hardware,devices,model\nH100,1,x\n");
  const std::string e = error_of([&] { read_measured_results(bad); });
  EXPECT_NE(e.find("line 1: the header lacks required column(s) tp, precision, engine"),
            std::string::npos)
      << e;
  const std::string ragged = write_file("ragged.csv", kHeader + "H100-SXM-80GB,1,1\n");
  EXPECT_NE(
      error_of([&] { read_measured_results(ragged); }).find("line 2: 3 fields, the header has 14"),
      std::string::npos);
  EXPECT_NE(error_of([&] { read_measured_results("/nonexistent/x.csv"); }).find("cannot open"),
            std::string::npos);
}

TEST(ValidationAliases, BracketedNotesAndCaseAreIgnored) {
  EXPECT_EQ(normalised_name("  A100-80GB (330W power limit; SXM/PCIe not stated) "), "a100-80gb");
  ASSERT_TRUE(find_hardware("H100-SXM-80GB"));
  EXPECT_EQ(find_hardware("H100-SXM-80GB")->chip_file, "gpus/h100-sxm.json");
  EXPECT_EQ(find_hardware("A100-80GB (SXM/PCIe not stated)")->chip_file,
            "gpus/a100-sxm4-80gb.json");
  EXPECT_FALSE(find_hardware("TPU v5e"));
  EXPECT_EQ(find_model("Llama-3.1-8B (Meta-Llama-3.1-8B-FP8)")->model, "llama-3.1-8b");
  EXPECT_EQ(find_model("Hermes-3-Llama-3.1-405B-FP8")->model, "llama-3.1-405b");
  EXPECT_FALSE(find_model("Llama-2-70B"));
  EXPECT_EQ(find_engine("TensorRT-LLM (MLPerf v4.1 NVIDIA harness)")->family, "tensorrt-llm");
  EXPECT_FALSE(find_engine("gpt-fast (PyTorch, torch.compile)"));
}

TEST(RowPlan, OfflineMaxLoadIsABurstCutToTheRequestLimit) {
  const RowPlan p = plan(
      "H100-SXM-80GB,1,1,Llama-3.1-8B,FP8,TensorRT-LLM 0.17,128,2048,offline max-load; "
      "num_requests=3000,throughput_output_total,21109.38,tokens/s,u,n");
  EXPECT_TRUE(p.serving);
  EXPECT_TRUE(p.burst);
  EXPECT_EQ(p.requests, 2000);  // 3000 cut to the limit
  EXPECT_EQ(p.input_tokens, 128);
  EXPECT_EQ(p.output_tokens, 2048);
  EXPECT_EQ(p.max_num_seqs, 2048);  // the TensorRT-LLM row of the engine table
  EXPECT_EQ(p.weights, "fp8");
  EXPECT_EQ(p.kv, "fp8");
  EXPECT_EQ(p.figure, "/throughput/output_tokens_per_s");
  EXPECT_DOUBLE_EQ(p.measured, 21109.38);
  const auto args = p.run_args(settings());
  EXPECT_TRUE(has_args(args, {"--arrival", "burst"}));
  EXPECT_TRUE(has_args(args, {"--max-requests", "2000"}));
  EXPECT_TRUE(has_args(args, {"--model", "llama-3.1-8b"}));
  EXPECT_EQ(std::count(args.begin(), args.end(), "--rate"), 0);
}

TEST(RowPlan, RequestRateRowsArePoissonAndReplicasShareRequestsAndRate) {
  const RowPlan p = plan(
      "H100-SXM-80GB,8,2,Llama-3.1-70B,BF16,vLLM 0.6.0,2048,128,request_rate=16 QPS (500 "
      "requests),throughput_output_total,1000,tokens/s,u,n");
  EXPECT_FALSE(p.burst);
  EXPECT_EQ(p.tp, 2);
  EXPECT_EQ(p.replicas, 4);
  EXPECT_DOUBLE_EQ(p.rate, 4.0);  // 16 QPS over 4 copies
  EXPECT_EQ(p.requests, 125);
  EXPECT_EQ(p.read, MetricRead::kTimesReplicas);
  EXPECT_EQ(p.max_num_seqs, 256);  // vLLM
  EXPECT_TRUE(has_args(p.run_args(settings()), {"--rate", "4"}));
  EXPECT_TRUE(has_args(p.run_args(settings()), {"--tp", "2"}));
}

TEST(RowPlan, FixedBatchesAreStaticAndLatencyMetricsReadTheirFigure) {
  const RowPlan ttft = plan(
      "A100-SXM4-80GB,1,1,Llama-3.1-8B,FP16,gpt-fast (PyTorch),128,-,batch=1,TTFT,12.5,ms,u,n");
  EXPECT_FALSE(ttft.serving);
  EXPECT_EQ(ttft.batch, 1);
  EXPECT_EQ(ttft.gen, 1);  // no output length: one token, the first
  EXPECT_EQ(ttft.figure, "/latency/ttft_ms/mean");
  EXPECT_TRUE(
      has_args(ttft.run_args(settings()), {"--batch", "1", "--prompt", "128", "--gen", "1"}));
  const RowPlan user = plan(
      "H100-SXM-80GB,1,1,Llama-3.1-8B,BF16,gpt-fast,5,200 (CLI default; not "
      "stated),batch=1,decode_throughput_per_user,180,tokens/s,u,n");
  EXPECT_EQ(user.gen, 200);
  EXPECT_EQ(user.read, MetricRead::kPerSecondFromMs);
  const RowPlan a100 = plan(
      "A100-80GB (SXM/PCIe not stated),1,1,Llama-3.1-8B,FP8 (on A100: weight-only FP8 "
      "kernels),vLLM 0.5.4,2048,128,static batch=64,throughput_output,900,tokens/s,u,n");
  EXPECT_EQ(a100.weights, "fp8");
  EXPECT_EQ(a100.activations, "bf16");
  EXPECT_EQ(a100.kv, "bf16");
  EXPECT_FALSE(a100.notes.empty());  // the form-factor and precision assumptions are kept
}

TEST(RowPlan, ShareGptRowsUseTheLengthTable) {
  const RowPlan p = plan(
      "H100-SXM-80GB,1,1,Llama-3.1-8B,FP8,vLLM 0.5.4,ShareGPT var,ShareGPT var,320 prompts at "
      "once (request_rate=inf),ITL,19.75,ms,u,n");
  EXPECT_TRUE(p.burst);
  EXPECT_EQ(p.requests, 320);
  EXPECT_EQ(p.input_tokens, 0);
  EXPECT_EQ(p.figure, "/serving/inter_token_ms/mean");
  EXPECT_TRUE(has_args(p.run_args(settings()), {"--length-table", "lengths.csv"}));
}

TEST(RowPlan, RowsWithoutACounterpartAreSkippedWithTheReason) {
  const std::string tail = ",128,128,batch=1,TTFT,10,ms,u,n";
  EXPECT_NE(skip_reason("TPU v5e,1,1,Llama-3.1-8B,BF16,x" + tail).find("has no chip config"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,1,1,Llama-2-70B,BF16,x" + tail).find("has no model config"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,1,1,Llama-3.1-8B,INT4-AWQ,x" + tail).find("precision"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,8,3,Llama-3.1-8B,BF16,x" + tail).find("not a multiple"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,1,1,Llama-3.1-8B,BF16,x,128,128,batch=1,TTFT,n/a,ms,u,n")
                .find("is not a number > 0"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,1,1,Llama-3.1-8B,BF16,x,128,128,batch=1,TTFT,10,s,u,n")
                .find("unit"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,8,2,Llama-3.1-8B,BF16,x,128,128,Offline; batch 896 per "
                        "TP2 engine,throughput_output_total,10,tokens/s,u,n")
                .find("is no workload"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,1,1,Llama-3.1-8B,BF16,Mystery Engine,128,128,request_rate="
                        "2 QPS (500 requests),TTFT_mean,10,ms,u,n")
                .find("engine table"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,2,2,Llama-3.1-8B,BF16,vLLM,128,128,static batch=64,"
                        "throughput_output,10,\"tokens/s (per-GPU vs total not stated for TP>1)\""
                        ",u,n")
                .find("per GPU or total"),
            std::string::npos);
  EXPECT_NE(skip_reason("H100-SXM-80GB,1,1,Llama-3.1-8B,BF16,vLLM,OpenOrca var,var,request_rate"
                        "=2 QPS (5 requests),TTFT_mean,10,ms,u,n")
                .find("not fixed numbers"),
            std::string::npos);
}

TEST(RowPlan, PredictionsAreReadInTheRowsUnit) {
  const std::string summary = write_file(
      "summary.json",
      R"({"throughput": {"output_tokens_per_s": 500.0}, "latency": {"tpot_ms": {"mean": 8.0}}})");
  RowPlan p;
  p.figure = "/throughput/output_tokens_per_s";
  p.read = MetricRead::kTimesReplicas;
  p.replicas = 4;
  EXPECT_DOUBLE_EQ(read_prediction(p, summary), 2000.0);
  p.figure = "/latency/tpot_ms/mean";
  p.read = MetricRead::kPerSecondFromMs;
  EXPECT_DOUBLE_EQ(read_prediction(p, summary), 125.0);  // 8 ms per token: 125 tokens/s
  p.figure = "/latency/ttft_ms/mean";
  EXPECT_NE(error_of([&] { read_prediction(p, summary); }).find("a number is required"),
            std::string::npos);
}

TEST(ValidationSplit, ExperimentsStayTogetherAndAlternatePerHardware) {
  const auto rows =
      read_measured_results(
          write_file("split.csv",
                     kHeader + "H100-SXM-80GB,1,1,M,BF16,e,128,128,batch=1,TTFT,1,ms,u,n\n"
                               "H100-SXM-80GB,1,1,M,BF16,e,128,128,batch=1,TPOT_mean,1,ms,u,n\n"
                               "A100-SXM4-80GB,1,1,M,BF16,e,128,128,batch=1,TTFT,1,ms,u,n\n"
                               "H100-SXM-80GB,1,1,M,BF16,e,128,128,batch=2,TTFT,1,ms,u,n\n"
                               "A100-SXM4-80GB,1,1,M,BF16,e,128,128,batch=2,TTFT,1,ms,u,n\n"
                               "H100-SXM-80GB,1,1,M,BF16,e,128,128,batch=4,TTFT,1,ms,u,n\n"))
          .rows;
  const std::vector<bool> fit = fit_half(rows);
  EXPECT_EQ(fit, (std::vector<bool>{true, true, true, false, false, true}));
}

TEST(ValidationLengths, ShareGptRowsKeepWhatTheBenchmarkSamples) {
  const std::string table =
      write_file("lengths.csv",
                 "num_prefill_tokens,num_decode_tokens\n3,100\n4,4\n1024,1024\n1025,10\n1000,1049\n"
                 "500,2\n");
  const std::string out = (scratch() / "kept.csv").string();
  // Kept: (4, 4) and (1024, 1024); too short a prompt, too long a prompt, too long together
  // and too short an output are not.
  EXPECT_EQ(write_benchmark_sharegpt_lengths(table, out), 2);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "num_prefill_tokens,num_decode_tokens\n4,4\n1024,1024\n");
  const std::string none = write_file("none.csv", "num_prefill_tokens,num_decode_tokens\n2,2\n");
  EXPECT_NE(error_of([&] { write_benchmark_sharegpt_lengths(none, out); }).find("no row within"),
            std::string::npos);
}

TEST(Calibration, RecoversAnIterationOverheadAddedToTheMeasurement) {
  // The forward model: a static batch of one, whose TPOT is each decode iteration's kernels plus
  // the serving engine's iteration overhead (500 us in the H100 config). A measurement 300 us
  // above the prediction can only be fitted by an overhead of 800 us.
  ValidationRunSettings run;
  run.exe = MAIA_CLI;
  run.out_dir = (scratch() / "forward").string();
  run.plan.configs_dir = std::string(MAIA_SOURCE_DIR) + "/configs";
  run.plan.models_dir = std::string(MAIA_SOURCE_DIR) + "/configs/models";
  const std::string head = "H100-SXM-80GB,1,1,Llama-3.1-8B,BF16,gpt-fast,64,8,batch=1,TPOT_mean,";
  const std::vector<MeasuredRow> probe = {row(head + "1,ms,u,n")};
  const auto forward = run_validation(probe, run);
  ASSERT_EQ(forward[0].status, RowStatus::kPredicted) << forward[0].reason;
  const double measured_ms = forward[0].predicted + 0.3;

  const std::vector<MeasuredRow> rows = {row(head + fmt::format("{},ms,u,n", measured_ms))};
  CalibrationSettings s;
  s.run = run;
  s.run.out_dir = (scratch() / "fit").string();
  s.budget = 30;
  s.min_step = 0.005;
  const CalibrationResult r = calibrate(rows, {{"kernel.iteration_overhead_us", 1, 10000, 500}}, s);
  EXPECT_NEAR(r.knobs[0].value, 800, 800 * 0.01);
  EXPECT_LT(r.best.objective, r.start.objective);
  EXPECT_EQ(r.lines, std::vector<std::int64_t>{2});
  const auto doc = calibrated_config(r, run.plan.configs_dir + "/gpus/h100-sxm.json",
                                     (scratch() / "fitted.json").string(), "m.csv", "all");
  EXPECT_EQ(doc["kernel"]["iteration_overhead_us"].get<double>(), r.knobs[0].value);
  EXPECT_EQ(doc["provenance"]["kernel.iteration_overhead_us"].get<std::string>().rfind(
                "C: calibrated on 1 rows of m.csv (all half)", 0),
            0u);
}

TEST(ValidationReport, NearestRankErrorStatisticsPerGroup) {
  std::vector<MeasuredRow> rows(5);
  std::vector<RowOutcome> out(5);
  const double errors[] = {-10, 5, 20, -2, 0};
  for (int i = 0; i < 5; ++i) {
    rows[i].metric = i < 3 ? "TTFT" : "ITL";
    out[i].row = &rows[i];
    out[i].status = RowStatus::kPredicted;
    out[i].plan.chip_file =
        i % 2 ? "configs/gpus/a100-sxm4-80gb.json" : "configs/gpus/h100-sxm.json";
    out[i].error_pct = errors[i];
  }
  out[4].status = RowStatus::kSkipped;
  const ValidationSummary s = summarise_validation(out, {}, "all");
  EXPECT_EQ(s.predicted, 4);
  EXPECT_EQ(s.skipped, 1);
  // |errors| of the predicted rows: 10, 5, 20, 2 -> sorted 2, 5, 10, 20. Nearest rank:
  // p50 = ceil(2) -> 5, p90 = ceil(3.6) -> 20; signed -10, -2, 5, 20: p50 -> -2.
  EXPECT_DOUBLE_EQ(s.all.median_abs_pct, 5);
  EXPECT_DOUBLE_EQ(s.all.p90_abs_pct, 20);
  EXPECT_DOUBLE_EQ(s.all.max_abs_pct, 20);
  EXPECT_DOUBLE_EQ(s.all.median_pct, -2);
  ASSERT_EQ(s.by_hardware.size(), 2u);
  EXPECT_EQ(s.by_hardware[0].group, "a100-sxm4-80gb");  // rows 1 and 3: 5, -2
  EXPECT_EQ(s.by_hardware[0].rows, 2);
  EXPECT_DOUBLE_EQ(s.by_hardware[0].max_abs_pct, 5);
  ASSERT_EQ(s.by_metric.size(), 2u);
  EXPECT_EQ(s.by_metric[0].group, "ITL");
  EXPECT_EQ(s.by_metric[0].rows, 1);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
