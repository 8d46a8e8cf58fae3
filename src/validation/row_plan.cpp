#include "maia/validation/row_plan.hpp"

#include <cmath>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "maia/core/decimal.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/validation/validation_aliases.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// A whole number at the start of `text`, followed by nothing or by a note ("200 (CLI default)").
std::optional<std::int64_t> leading_count(const std::string& text) {
  const std::string t = trim(text);
  std::size_t end = 0;
  const auto v = parse_decimal(t, &end);
  if (!v || end == 0 || *v < 1 || *v > 1e9 || std::floor(*v) != *v) return std::nullopt;
  if (t.find_first_of(".eE") < end) return std::nullopt;  // "1.5", "1e3": not a count
  if (end < t.size() && t[end] != ' ' && t[end] != '(') return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

// The number after `key` in `text` ("num_requests=3000" -> 3000); nullopt when absent.
std::optional<double> number_after(const std::string& text, const std::string& key) {
  const auto at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  std::size_t end = 0;
  const auto v = parse_decimal(std::string_view(text).substr(at + key.size()), &end);
  if (!v || end == 0) return std::nullopt;
  return v;
}

// "(500 requests)", "(1200 prompts)": the request count stated in brackets.
std::optional<std::int64_t> bracket_count(const std::string& text) {
  const auto open = text.find('(');
  if (open == std::string::npos) return std::nullopt;
  return leading_count(text.substr(open + 1));
}

struct Workload {
  bool serving = false;
  std::int64_t batch = 0;  // static
  bool burst = false;
  double rate = 0;
  std::int64_t requests = 0;  // 0: not stated
};

// batch_or_concurrency as a workload, or nullopt when it is no workload maia-sim can run.
std::optional<Workload> parse_workload(const std::string& raw) {
  const std::string t = lower(trim(raw));
  Workload w;
  for (const char* key : {"static batch=", "batch="}) {
    if (t.rfind(key, 0) == 0) {
      const auto b = leading_count(t.substr(std::string(key).size()));
      if (!b) return std::nullopt;
      w.batch = *b;
      return w;
    }
  }
  w.serving = true;
  if (t.rfind("offline max-load", 0) == 0) {
    const auto n = number_after(t, "num_requests=");
    if (!n) return std::nullopt;
    w.burst = true;
    w.requests = static_cast<std::int64_t>(*n);
    return w;
  }
  if (t.find("prompts at once") != std::string::npos) {
    const auto n = leading_count(t);
    if (!n) return std::nullopt;
    w.burst = true;
    w.requests = *n;
    return w;
  }
  if (t.rfind("request_rate=", 0) == 0) {
    const std::string rate = t.substr(std::string("request_rate=").size());
    if (rate.rfind("inf", 0) == 0) {
      w.burst = true;
    } else {
      std::size_t end = 0;
      const auto r = parse_decimal(rate, &end);
      if (!r || !(*r > 0)) return std::nullopt;
      w.rate = *r;
    }
    const auto n = bracket_count(rate);
    if (!n) return std::nullopt;  // a rate without a request count is no finite run
    w.requests = *n;
    return w;
  }
  return std::nullopt;
}

struct Precision {
  std::string weights, activations, kv;
  std::string note;
};

std::optional<Precision> parse_precision(const std::string& raw) {
  const std::string t = normalised_name(raw);
  if (t == "bf16" || t == "fp16") return Precision{"bf16", "bf16", "bf16", ""};
  if (t == "fp8") {
    if (lower(raw).find("weight-only") != std::string::npos)
      return Precision{"fp8", "bf16", "bf16", "weight-only FP8: activations and KV in BF16"};
    return Precision{"fp8", "fp8", "fp8", "FP8 weights, activations and KV cache"};
  }
  return std::nullopt;
}

struct Metric {
  std::string figure;
  MetricRead read = MetricRead::kValue;
};

// The summary.json figure answering `metric` in `unit`, or a reason why none does.
std::variant<Metric, std::string> parse_metric(const MeasuredRow& row, bool serving,
                                               bool single_device) {
  const std::string m = row.metric;
  const std::string unit = normalised_name(row.unit);
  const bool ms = unit == "ms";
  const bool tokens_per_s = unit == "tokens/s";
  const bool per_gpu_unit = unit == "tokens/s/gpu";
  auto unit_error = [&]() {
    return fmt::format("unit \"{}\" is not one metric {} is measured in", row.unit, m);
  };
  if (m == "throughput_output_total") {
    if (!tokens_per_s) return unit_error();
    return Metric{"/throughput/output_tokens_per_s", MetricRead::kTimesReplicas};
  }
  if (m == "throughput_output_per_gpu") {
    if (!per_gpu_unit && !tokens_per_s) return unit_error();
    return Metric{"/throughput/output_tokens_per_s_per_chip", MetricRead::kValue};
  }
  if (m == "throughput_output") {
    if (per_gpu_unit) return Metric{"/throughput/output_tokens_per_s_per_chip", MetricRead::kValue};
    if (!tokens_per_s) return unit_error();
    if (!single_device && lower(row.unit).find("not stated") != std::string::npos)
      return std::string("the source does not say whether the throughput is per GPU or total");
    return Metric{"/throughput/output_tokens_per_s", MetricRead::kTimesReplicas};
  }
  if (m == "TTFT" || m == "TTFT_mean" || m == "TTFT_median") {
    if (!ms) return unit_error();
    return Metric{m == "TTFT_median" ? "/latency/ttft_ms/p50" : "/latency/ttft_ms/mean",
                  MetricRead::kValue};
  }
  if (m == "ITL" || m == "ITL_mean") {
    if (!ms) return unit_error();
    return Metric{serving ? "/serving/inter_token_ms/mean" : "/latency/tpot_ms/mean",
                  MetricRead::kValue};
  }
  if (m == "TPOT_mean" || m == "TPOT_median") {
    if (!ms) return unit_error();
    return Metric{m == "TPOT_median" ? "/latency/tpot_ms/p50" : "/latency/tpot_ms/mean",
                  MetricRead::kValue};
  }
  if (m == "decode_throughput_per_user") {
    if (!tokens_per_s) return unit_error();
    return Metric{"/latency/tpot_ms/mean", MetricRead::kPerSecondFromMs};
  }
  return fmt::format("metric \"{}\" is not one maia-sim reports", m);
}

bool is_ttft(const std::string& metric) { return metric.rfind("TTFT", 0) == 0; }

}  // namespace

RowDecision plan_row(const MeasuredRow& row, const ValidationSettings& s) {
  auto skip = [](std::string why) { return RowDecision{RowSkip{std::move(why)}}; };
  RowPlan p;

  const auto hw = find_hardware(row.hardware);
  if (!hw)
    return skip(
        fmt::format("hardware \"{}\" has no chip config (docs/validation.md)", row.hardware));
  p.chip_file = (fs::path(s.configs_dir) / hw->chip_file).string();
  if (!fs::exists(p.chip_file))
    return skip(
        fmt::format("hardware \"{}\" maps to {}, which does not exist", row.hardware, p.chip_file));
  if (!hw->note.empty()) p.notes.push_back(hw->note);

  const auto model = find_model(row.model);
  if (!model) return skip(fmt::format("model \"{}\" has no model config", row.model));
  if (!fs::exists(fs::path(s.models_dir) / (model->model + ".json")))
    return skip(fmt::format("model \"{}\" maps to {}, which is not in {}", row.model, model->model,
                            s.models_dir));
  p.model = model->model;
  if (!model->note.empty()) p.notes.push_back(model->note);

  const auto prec = parse_precision(row.precision);
  if (!prec) return skip(fmt::format("precision \"{}\" is not one maia-sim runs", row.precision));
  p.weights = prec->weights;
  p.activations = prec->activations;
  p.kv = prec->kv;
  if (!prec->note.empty()) p.notes.push_back(prec->note);

  const auto devices = leading_count(row.devices);
  const auto tp = leading_count(row.tp);
  if (!devices || !tp) return skip("devices and tp must be whole numbers >= 1");
  if (*devices % *tp != 0)
    return skip(fmt::format("devices ({}) is not a multiple of tp ({})", *devices, *tp));
  p.tp = *tp;
  p.replicas = *devices / *tp;

  const auto value = parse_decimal(trim(row.value));
  if (!value || !(*value > 0))
    return skip(fmt::format("value \"{}\" is not a number > 0", row.value));
  p.measured = *value;

  const auto w = parse_workload(row.batch_or_concurrency);
  if (!w)
    return skip(fmt::format("batch_or_concurrency \"{}\" is no workload maia-sim runs",
                            row.batch_or_concurrency));
  p.serving = w->serving;

  // Lengths: fixed numbers, ShareGPT's distribution (serving only), or none for a TTFT.
  const auto isl = leading_count(row.isl);
  auto osl = leading_count(row.osl);
  const bool sharegpt =
      lower(row.isl).rfind("sharegpt", 0) == 0 && lower(row.osl).rfind("sharegpt", 0) == 0;
  if (!osl && isl && trim(row.osl) == "-" && is_ttft(row.metric)) {
    osl = 1;
    p.notes.push_back("no output length given: one output token (TTFT only)");
  }
  if (!sharegpt && (!isl || !osl))
    return skip(
        fmt::format("input/output lengths \"{}\"/\"{}\" are not fixed numbers", row.isl, row.osl));
  if (sharegpt && (!p.serving || s.length_table.empty()))
    return skip("ShareGPT lengths need a serving run and a length table");

  const auto metric = parse_metric(row, p.serving, *devices == 1);
  if (const auto* why = std::get_if<std::string>(&metric)) return skip(*why);
  p.figure = std::get<Metric>(metric).figure;
  p.read = std::get<Metric>(metric).read;

  if (!p.serving) {
    p.batch = w->batch;
    p.prompt = *isl;
    p.gen = *osl;
    if (p.replicas > 1 && p.read == MetricRead::kTimesReplicas)
      p.notes.push_back(
          fmt::format("{} data-parallel copies: total = {} x one copy", p.replicas, p.replicas));
    return p;
  }
  const auto engine = find_engine(row.engine);
  if (!engine)
    return skip(
        fmt::format("engine \"{}\": its batch settings are not in the engine table", row.engine));
  p.max_num_seqs = engine->max_num_seqs;
  p.max_batched_tokens = engine->max_batched_tokens;
  if (!engine->note.empty()) p.notes.push_back(engine->note);
  if (sharegpt) {
    p.notes.push_back("ShareGPT lengths from " + s.length_table);
  } else {
    p.input_tokens = *isl;
    p.output_tokens = *osl;
  }
  p.burst = w->burst;
  // Each data-parallel copy serves its share of the requests and of the rate.
  p.requests = (w->requests + p.replicas - 1) / p.replicas;
  p.rate = w->rate / static_cast<double>(p.replicas);
  if (p.replicas > 1)
    p.notes.push_back(fmt::format("{} data-parallel copies, each with 1/{} of the requests",
                                  p.replicas, p.replicas));
  if (p.requests > s.max_requests) {
    p.notes.push_back(fmt::format("{} requests per copy cut to {}", p.requests, s.max_requests));
    p.requests = s.max_requests;
  }
  return p;
}

std::vector<std::string> RowPlan::run_args(const ValidationSettings& s) const {
  std::vector<std::string> a = {"run",       "--chip", chip_file,         "--model",   model,
                                "--weights", weights,  "--activations",   activations, "--kv",
                                kv,          "--tp",   std::to_string(tp)};
  auto add = [&a](const std::string& k, const std::string& v) {
    a.push_back(k);
    a.push_back(v);
  };
  if (!serving) {
    add("--batch", std::to_string(batch));
    add("--prompt", std::to_string(prompt));
    add("--gen", std::to_string(gen));
    return a;
  }
  if (burst)
    add("--arrival", "burst");
  else
    add("--rate", fmt::format("{}", rate));
  add("--max-requests", std::to_string(requests));
  if (input_tokens > 0) {
    add("--input-tokens", std::to_string(input_tokens));
    add("--output-tokens", std::to_string(output_tokens));
  } else {
    add("--length-table", s.length_table);
  }
  add("--max-num-seqs", std::to_string(max_num_seqs));
  add("--max-batched-tokens", std::to_string(max_batched_tokens));
  return a;
}

double read_prediction(const RowPlan& plan, const std::string& summary_json_file) {
  const nlohmann::json doc = JsonReader::parse_file(summary_json_file);
  const nlohmann::json::json_pointer ptr(plan.figure);
  if (!doc.contains(ptr) || !doc.at(ptr).is_number())
    throw InputError(fmt::format("{}: {}: a number is required", summary_json_file, plan.figure));
  const double v = doc.at(ptr).get<double>();
  if (!(v > 0) || !std::isfinite(v))
    throw InputError(
        fmt::format("{}: {}: must be > 0 to compare, got {}", summary_json_file, plan.figure, v));
  switch (plan.read) {
    case MetricRead::kValue:
      return v;
    case MetricRead::kTimesReplicas:
      return v * static_cast<double>(plan.replicas);
    case MetricRead::kPerSecondFromMs:
      return 1000.0 / v;
  }
  return v;
}

}  // namespace maia
