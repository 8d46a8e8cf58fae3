#include "maia/serving/length_table.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/csv_fields.hpp"

namespace maia {

namespace {

// Column name pairs (input, output) recognised in the header, in order of preference.
constexpr const char* kPairs[][2] = {{"num_prefill_tokens", "num_decode_tokens"},
                                     {"ContextTokens", "GeneratedTokens"}};

std::size_t column_of(const std::vector<std::string>& header, std::string_view column) {
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), column) - header.begin());
}

}  // namespace

std::vector<LengthSample> read_length_table(std::istream& in, const std::string& name) {
  CsvReader csv(in, name);
  CsvRecord header_record;
  if (!csv.next(header_record))
    throw InputError(
        fmt::format("{}:1: header: must name the length columns, got an empty file", name));
  const std::vector<std::string>& header = header_record.fields;
  std::size_t in_col = header.size(), out_col = header.size();
  for (const auto& pair : kPairs) {
    in_col = column_of(header, pair[0]);
    out_col = column_of(header, pair[1]);
    if (in_col < header.size() && out_col < header.size()) break;
  }
  if (in_col >= header.size() || out_col >= header.size())
    throw InputError(
        fmt::format("{}:1: header: must have columns num_prefill_tokens and num_decode_tokens (or "
                    "ContextTokens and GeneratedTokens), got {}",
                    name, quote_value(header_record.text)));

  std::vector<LengthSample> table;
  CsvRecord record;
  while (csv.next(record)) {
    if (record.blank()) continue;
    const std::int64_t line_no = record.line;
    const auto& fields = record.fields;
    if (fields.size() != header.size())
      throw InputError(fmt::format("{}:{}: row: must have {} columns like the header, got {}: {}",
                                   name, line_no, header.size(), fields.size(),
                                   quote_value(record.text)));
    LengthSample s;
    const std::size_t cols[2] = {in_col, out_col};
    std::int64_t* dest[2] = {&s.input_tokens, &s.output_tokens};
    for (int c = 0; c < 2; ++c) {
      const auto v = parse_csv_integer(fields[cols[c]]);
      if (!v || *v < 1)
        throw InputError(fmt::format("{}:{}: {}: must be an integer >= 1, got {}", name, line_no,
                                     header[cols[c]], quote_value(fields[cols[c]])));
      *dest[c] = *v;
    }
    table.push_back(s);
  }
  if (table.empty()) throw InputError(fmt::format("{}: must have at least one row", name));
  return table;
}

std::vector<LengthSample> read_length_table_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  return read_length_table(in, file);
}

}  // namespace maia
