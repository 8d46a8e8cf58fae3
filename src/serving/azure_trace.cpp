#include "maia/serving/azure_trace.hpp"

#include <algorithm>
#include <array>
#include <fstream>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/csv_fields.hpp"
#include "maia/serving/trace_order.hpp"
#include "maia/serving/trace_timestamp.hpp"

namespace maia {

namespace {

constexpr std::array<const char*, 3> kColumns = {"TIMESTAMP", "ContextTokens", "GeneratedTokens"};
constexpr const char* kHeader = "TIMESTAMP,ContextTokens,GeneratedTokens";

// The header must name exactly the three columns, in order.
void check_header(const CsvRecord& header, const std::string& name) {
  const auto& fields = header.fields;
  if (fields.size() != kColumns.size())
    throw InputError(fmt::format("{}:1: header: must be \"{}\", got {}", name, kHeader,
                                 quote_value(header.text)));
  const std::vector<std::string> names(kColumns.begin(), kColumns.end());
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (fields[i] == kColumns[i]) continue;
    const std::string near = nearest_match(fields[i], names);
    throw InputError(fmt::format("{}:1: header: column {} must be \"{}\", got {}{}", name, i + 1,
                                 kColumns[i], quote_value(fields[i]),
                                 near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  }
}

}  // namespace

LoadedTrace read_azure_trace(std::istream& in, const std::string& name, bool skip_bad_rows) {
  LoadedTrace out;
  CsvReader csv(in, name);
  CsvRecord record;
  if (!csv.next(record))
    throw InputError(fmt::format("{}:1: header: must be \"{}\", got an empty file", name, kHeader));
  check_header(record, name);

  std::vector<std::int64_t> arrival_ns;  // absolute, parallel to out.requests
  while (csv.next(record)) {
    if (record.blank()) continue;  // blank lines (e.g. a final newline) are not rows
    const std::string where = fmt::format("{}:{}", name, record.line);
    const auto& fields = record.fields;
    if (fields.size() != kColumns.size()) {
      out.reject_row(fmt::format("{}: row: must have 3 comma-separated columns ({}), got {}: {}",
                                 where, kHeader, fields.size(), quote_value(record.text)),
                     skip_bad_rows);
      continue;
    }
    std::string why;
    const auto ns = parse_trace_timestamp_ns(fields[0], &why);
    if (!ns) {
      out.reject_row(fmt::format("{}: TIMESTAMP: must be a time YYYY-MM-DD hh:mm:ss.fffffff ({}), "
                                 "got {}",
                                 where, why, quote_value(fields[0])),
                     skip_bad_rows);
      continue;
    }
    std::int64_t tokens[2] = {0, 0};
    bool ok = true;
    for (int c = 0; c < 2 && ok; ++c) {
      const auto v = parse_csv_integer(fields[c + 1]);
      if (v && *v >= 1) {
        tokens[c] = *v;
        continue;
      }
      out.reject_row(fmt::format("{}: {}: must be an integer >= 1, got {}", where, kColumns[c + 1],
                                 quote_value(fields[c + 1])),
                     skip_bad_rows);
      ok = false;
    }
    if (!ok) continue;
    Request r;
    r.input_tokens = tokens[0];
    r.output_tokens = tokens[1];
    out.requests.push_back(std::move(r));
    arrival_ns.push_back(*ns);
  }
  if (in.bad()) throw InputError(fmt::format("{}:{}: read error", name, csv.lines() + 1));

  // Exact integer differences to the earliest arrival, then one rounding to seconds.
  if (!arrival_ns.empty()) {
    const std::int64_t first = *std::min_element(arrival_ns.begin(), arrival_ns.end());
    for (std::size_t i = 0; i < arrival_ns.size(); ++i)
      out.requests[i].arrival_s = static_cast<double>(arrival_ns[i] - first) / 1e9;
  }
  order_by_arrival(out.requests);
  return out;
}

LoadedTrace read_azure_trace_file(const std::string& file, bool skip_bad_rows) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  return read_azure_trace(in, file, skip_bad_rows);
}

}  // namespace maia
