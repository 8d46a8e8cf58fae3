#include "maia/sweep/key_metrics.hpp"

#include <algorithm>

namespace maia {
namespace {

std::vector<MetricInfo> build_table() {
  std::vector<std::pair<std::string, std::string>> names = {
      {"output_tokens_per_s", "throughput.output_tokens_per_s"},
      {"total_tokens_per_s", "throughput.total_tokens_per_s"},
      {"output_tokens_per_s_per_chip", "throughput.output_tokens_per_s_per_chip"},
      // Measured energy and cost (docs/power.md): tokens per joule is tokens/s per watt of the
      // chips' simulated average power.
      {"tokens_per_joule", "energy.tokens_per_joule"},
      {"average_power_w", "energy.average_power_w"},
      {"tokens_per_dollar", "cost.tokens_per_dollar"},
  };
  // Latency distributions: <name>_<statistic>, e.g. tpot_ms_p99.
  for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
           {"ttft_ms", "latency.ttft_ms"},
           {"tpot_ms", "latency.tpot_ms"},
           {"e2e_ms", "latency.e2e_ms"},
           {"inter_token_ms", "serving.inter_token_ms"},
           {"queueing_delay_ms", "serving.queueing_delay_ms"}})
    for (const char* stat : {"mean", "p50", "p90", "p99"})
      names.emplace_back(name + "_" + stat, path + "." + stat);
  for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
           {"requests_completed", "requests.completed"},
           {"requests_rejected", "requests.rejected"},
           {"preemptions", "serving.preemptions"},
           {"prefix_hit_rate", "serving.prefix_hit_rate"},
           {"kv_peak_utilisation", "serving.kv_peak_utilisation"},
           {"memory_total_bytes", "memory.total_bytes"},
           {"simulated_s", "simulation.simulated_s"}})
    names.emplace_back(name, path);
  std::vector<MetricInfo> t;
  for (const auto& [name, path] : names)
    t.push_back({name, path, regress::classify_metric(path).direction});
  return t;
}

}  // namespace

const std::vector<MetricInfo>& key_metrics() {
  static const std::vector<MetricInfo> table = build_table();
  return table;
}

const MetricInfo* find_metric(std::string_view name) {
  const auto& t = key_metrics();
  const auto it =
      std::find_if(t.begin(), t.end(), [&](const MetricInfo& m) { return m.name == name; });
  return it == t.end() ? nullptr : &*it;
}

std::vector<std::string> key_metric_names() {
  std::vector<std::string> out;
  for (const auto& m : key_metrics()) out.push_back(m.name);
  return out;
}

nlohmann::ordered_json summary_key_metrics(const nlohmann::json& summary) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& m : key_metrics()) {
    std::string pointer = "/" + m.dotted_path;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    const nlohmann::json::json_pointer ptr(pointer);
    if (summary.contains(ptr) && summary.at(ptr).is_number()) out[m.name] = summary.at(ptr);
  }
  return out;
}

}  // namespace maia
