#include "maia/regress/results.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"

namespace maia::regress {
namespace fs = std::filesystem;

const Metric* CaseResult::find(const std::string& metric) const {
  for (const auto& m : metrics)
    if (m.name == metric) return &m;
  return nullptr;
}

namespace {

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string scalar_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Numeric leaves become metrics, other scalars context; values under a `context_prefixes`
// path (the workload's parameters) are context whatever their type. Arrays are skipped.
void flatten(const Json& j, const std::string& prefix, const std::set<std::string>& context_keys,
             CaseResult& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = join(prefix, it.key());
    const Json& v = it.value();
    const bool is_context = context_keys.count(path) > 0;
    if (v.is_object()) {
      if (is_context) {
        CaseResult tmp;
        flatten(v, path, {}, tmp);
        for (const auto& m : tmp.metrics)
          out.context.emplace_back(m.name, fmt::format("{}", m.value));
        out.context.insert(out.context.end(), tmp.context.begin(), tmp.context.end());
      } else {
        flatten(v, path, context_keys, out);
      }
    } else if (v.is_number() && !is_context) {
      out.metrics.push_back({path, v.get<double>()});
    } else if (!v.is_array() && !v.is_null()) {
      out.context.emplace_back(path, scalar_text(v));
    }
  }
}

bool is_summary(const Json& j) {
  return j.contains("latency") || j.contains("phases") ||
         (j.contains("model") && j.contains("simulation"));
}

// A microbenchmark's own parameters (what was measured, not the measurement).
const std::set<std::string> kMicrobenchParams = {
    "m", "n", "k", "bytes", "flows", "write_fraction", "access_bytes"};

CaseResult single_case(const Json& j, const std::string& name, const std::string& source) {
  CaseResult c;
  c.name = name;
  c.source = source;
  if (is_summary(j)) {
    c.format = "summary";
    // The blocks maia-sim writes are objects; anything else is a damaged file whose metrics
    // would silently vanish from the comparison (and a missing metric would then pass).
    for (const char* block : {"latency", "throughput", "phases", "memory", "serving", "simulation",
                              "workload", "quantization", "parallelism"})
      if (j.contains(block) && !j[block].is_object())
        throw InputError(
            fmt::format("{}: {}: must be a JSON object (a maia-sim summary block), "
                        "got {}",
                        source, block, brief_json(j[block])));
    flatten(j, "", {"workload", "quantization"}, c);
  } else if (j.contains("benchmark") && j["benchmark"].is_string()) {
    c.format = "microbench";
    std::set<std::string> params;
    for (const auto& p : kMicrobenchParams)
      if (j.contains(p) && j[p].is_number()) params.insert(p);
    flatten(j, "", params, c);
  } else if (j.contains("trace") && j.contains("time_us") && j.contains("ops")) {
    c.format = "ops";
    Json copy = j;
    copy.erase("ops");  // per-operator rows: ops.csv carries them
    flatten(copy, "", {}, c);
  } else {
    c.format = "json";
    flatten(j, "", {}, c);
  }
  return c;
}

// The string at b[key] (`fallback` when absent); InputError naming `where`.key otherwise.
std::string string_field(const Json& b, const char* key, const std::string& fallback,
                         const std::string& source, const std::string& where) {
  if (!b.contains(key)) return fallback;
  if (!b[key].is_string())
    throw InputError(
        fmt::format("{}: {}.{}: must be a string, got {}", source, where, key, brief_json(b[key])));
  return b[key].get<std::string>();
}

std::string microbench_label(const Json& b, const std::string& source, const std::string& where) {
  std::string label = string_field(b, "benchmark", "benchmark", source, where);
  for (const char* key : {"dtype", "pattern", "test"})
    if (b.contains(key) && b[key].is_string()) label += "-" + b[key].get<std::string>();
  return label;
}

double to_ns(double v, const std::string& unit) {
  if (unit == "us") return v * 1e3;
  if (unit == "ms") return v * 1e6;
  if (unit == "s") return v * 1e9;
  return v;  // ns
}

// Google Benchmark JSON (make bench): one case per benchmark run.
ResultSet bench_results(const Json& j, const std::string& source) {
  ResultSet set;
  set.source = source;
  set.multi = true;
  static const std::set<std::string> kSkip = {"name",
                                              "family_index",
                                              "per_family_instance_index",
                                              "run_name",
                                              "run_type",
                                              "repetitions",
                                              "repetition_index",
                                              "threads",
                                              "time_unit",
                                              "real_time",
                                              "cpu_time",
                                              "aggregate_name",
                                              "aggregate_unit",
                                              "label",
                                              "error_occurred",
                                              "error_message"};
  if (!j["benchmarks"].is_array())
    throw InputError(fmt::format("{}: benchmarks: must be an array (Google Benchmark JSON), got {}",
                                 source, brief_json(j["benchmarks"])));
  const Json& list = j["benchmarks"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& b = list[i];
    if (!b.is_object() || !b.contains("name")) continue;
    const std::string where = fmt::format("benchmarks[{}]", i);
    CaseResult c;
    c.name = string_field(b, "name", "", source, where);
    c.source = source;
    c.format = "bench";
    c.all_informational = true;
    const std::string unit = string_field(b, "time_unit", "ns", source, where);
    if (unit != "ns" && unit != "us" && unit != "ms" && unit != "s")
      throw InputError(fmt::format("{}: {}.time_unit: must be ns, us, ms or s, got {}", source,
                                   where, brief_text(unit)));
    if (b.contains("real_time") && b["real_time"].is_number())
      c.metrics.push_back({"real_time_ns", to_ns(b["real_time"].get<double>(), unit)});
    if (b.contains("cpu_time") && b["cpu_time"].is_number())
      c.metrics.push_back({"cpu_time_ns", to_ns(b["cpu_time"].get<double>(), unit)});
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (kSkip.count(it.key())) continue;
      if (it.value().is_number()) c.metrics.push_back({it.key(), it.value().get<double>()});
    }
    for (const char* key : {"run_type", "aggregate_name", "label"})
      if (b.contains(key) && b[key].is_string())
        c.context.emplace_back(key, b[key].get<std::string>());
    set.cases.push_back(std::move(c));
  }
  return set;
}

void require_metrics(const ResultSet& set) {
  if (set.cases.empty()) throw InputError(fmt::format("{}: no results in it", set.source));
  for (const auto& c : set.cases)
    if (c.metrics.empty())
      throw InputError(fmt::format("{}: no numeric value to compare{}", c.source,
                                   c.name.empty() ? "" : " (case " + c.name + ")"));
}

}  // namespace

ResultSet results_from_json(const Json& j, const std::string& source) {
  if (!j.is_object())
    throw InputError(
        fmt::format("{}: must be a JSON object (a summary.json, microbench or "
                    "benchmark result)",
                    source));
  ResultSet set;
  set.source = source;
  if (j.contains("benchmarks") && j["benchmarks"].is_array()) {
    const Json& list = j["benchmarks"];
    const bool google = j.contains("context") ||
                        (!list.empty() && list[0].is_object() && list[0].contains("real_time"));
    if (google) {
      set = bench_results(j, source);
    } else {  // maia-sim microbench all --json
      set.multi = true;
      std::map<std::string, int> seen;
      for (std::size_t i = 0; i < list.size(); ++i) {
        const Json& b = list[i];
        if (!b.is_object())
          throw InputError(fmt::format("{}: benchmarks: must hold objects", source));
        std::string label = microbench_label(b, source, fmt::format("benchmarks[{}]", i));
        if (seen[label]++ > 0) label += fmt::format("-{}", seen[label]);
        set.cases.push_back(single_case(b, label, source));
      }
    }
  } else {
    set.cases.push_back(single_case(j, "", source));
  }
  require_metrics(set);
  return set;
}

ResultSet load_results(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path dir(path);
    if (fs::exists(dir / "summary.json")) {
      ResultSet set = results_from_json(parse_json_file((dir / "summary.json").string()),
                                        (dir / "summary.json").string());
      if (set.cases.size() == 1 && fs::exists(dir / "ops.csv"))
        set.cases[0].ops_csv = (dir / "ops.csv").string();
      set.source = path;
      return set;
    }
    // A directory of cases: every subdirectory with a summary.json, by name.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory() && fs::exists(e.path() / "summary.json"))
        names.push_back(e.path().filename().string());
    if (names.empty())
      throw InputError(
          fmt::format("{}: no summary.json in it, nor case directories holding one", path));
    std::sort(names.begin(), names.end());
    ResultSet set;
    set.source = path;
    set.multi = true;
    for (const auto& n : names) {
      const ResultSet one = load_results((dir / n).string());
      if (one.cases.size() != 1)
        throw InputError(
            fmt::format("{}: a case directory must hold one result", (dir / n).string()));
      CaseResult c = one.cases[0];
      c.name = n;
      set.cases.push_back(std::move(c));
    }
    return set;
  }
  if (!fs::exists(path, ec)) throw InputError(fmt::format("{}: no such file or directory", path));
  ResultSet set = results_from_json(parse_json_file(path), path);
  const fs::path ops = fs::path(path).parent_path() / "ops.csv";
  if (!set.multi && set.cases.size() == 1 && set.cases[0].format == "summary" && fs::exists(ops))
    set.cases[0].ops_csv = ops.string();
  return set;
}

}  // namespace maia::regress
