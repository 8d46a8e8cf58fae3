#include "maia/serving/mooncake_trace.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/serving/csv_fields.hpp"
#include "maia/serving/trace_order.hpp"

namespace maia {

namespace {

using Json = nlohmann::json;
constexpr std::int64_t kMaxTokens = std::numeric_limits<std::int64_t>::max();

// One line's object into a request (arrival still in absolute ms); throws InputError.
Request parse_record(const Json& node, const std::string& where, double& timestamp_ms) {
  JsonReader r(node, where, "");
  static const std::vector<std::string> kKeys = {"timestamp", "input_length", "output_length",
                                                 "hash_ids"};
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (std::find(kKeys.begin(), kKeys.end(), it.key()) != kKeys.end()) continue;
    const std::string near = nearest_match(it.key(), kKeys);
    throw InputError(fmt::format("{}: {}: unknown key{}", where, it.key(),
                                 near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  }
  const Json& ts = r.child("timestamp").node();
  if (!ts.is_number() || !std::isfinite(ts.get<double>()) || ts.get<double>() < 0)
    r.fail("timestamp", "must be a number of milliseconds >= 0");
  timestamp_ms = ts.get<double>();
  Request req;
  req.input_tokens = r.integer("input_length", 1, kMaxTokens);
  req.output_tokens = r.integer("output_length", 1, kMaxTokens);
  if (r.has("hash_ids")) {
    const Json& ids = r.child("hash_ids").node();
    if (!ids.is_array()) r.fail("hash_ids", "must be an array of integers >= 0");
    req.prefix_blocks.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_number_unsigned())
        throw InputError(fmt::format("{}: hash_ids[{}]: must be an integer >= 0, got {}", where, i,
                                     ids[i].dump()));
      req.prefix_blocks.push_back(ids[i].get<std::uint64_t>());
    }
  }
  return req;
}

}  // namespace

LoadedTrace read_mooncake_trace(std::istream& in, const std::string& name, bool skip_bad_rows) {
  LoadedTrace out;
  std::vector<double> timestamp_ms;  // parallel to out.requests
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    clean_csv_line(line, line_no == 1);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    const std::string where = fmt::format("{}:{}", name, line_no);
    Json node;
    try {
      node = Json::parse(line);
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for 1e999
      out.reject_row(fmt::format("{}: invalid JSON: {}", where, e.what()), skip_bad_rows);
      continue;
    }
    try {
      double ms = 0;
      Request req = parse_record(node, where, ms);
      out.requests.push_back(std::move(req));
      timestamp_ms.push_back(ms);
    } catch (const InputError& e) {
      out.reject_row(e.what(), skip_bad_rows);
    }
  }
  if (in.bad()) throw InputError(fmt::format("{}:{}: read error", name, line_no + 1));

  if (!timestamp_ms.empty()) {
    const double first = *std::min_element(timestamp_ms.begin(), timestamp_ms.end());
    for (std::size_t i = 0; i < timestamp_ms.size(); ++i)
      out.requests[i].arrival_s = (timestamp_ms[i] - first) / 1000.0;
  }
  order_by_arrival(out.requests);
  return out;
}

LoadedTrace read_mooncake_trace_file(const std::string& file, bool skip_bad_rows) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  return read_mooncake_trace(in, file, skip_bad_rows);
}

}  // namespace maia
