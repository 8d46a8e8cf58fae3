#pragma once
// The key metrics of a sweep row: summary.json values (docs/outputs.md) under flat names
// (output_tokens_per_s, tpot_ms_p99, ...). Whether larger is better comes from the one table
// of metric directions, maia/regress/metrics.hpp (shared with maia-sim compare).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/regress/metrics.hpp"

namespace maia {

struct MetricInfo {
  std::string name;         // flat name, e.g. tpot_ms_p99
  std::string dotted_path;  // in summary.json, e.g. latency.tpot_ms.p99
  regress::Direction direction;
};

// Every key metric, in column order.
const std::vector<MetricInfo>& key_metrics();
const MetricInfo* find_metric(std::string_view name);
std::vector<std::string> key_metric_names();

// The key metrics present in a summary.json document, in table order, as {name: value}.
nlohmann::ordered_json summary_key_metrics(const nlohmann::json& summary);

}  // namespace maia
