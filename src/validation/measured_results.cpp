#include "maia/validation/measured_results.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"

namespace maia {

const std::vector<std::string>& measured_result_columns() {
  static const std::vector<std::string> kColumns = {"hardware", "devices",   "tp",
                                                    "model",    "precision", "engine",
                                                    "isl",      "osl",       "batch_or_concurrency",
                                                    "metric",   "value",     "unit"};
  return kColumns;
}

MeasuredResults read_measured_results(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the measured-results CSV", file));
  CsvReader csv(in, file);
  MeasuredResults out;
  out.file = file;
  CsvRecord rec;
  if (!csv.next(rec) || rec.blank())
    throw InputError(fmt::format("{}: line 1: a header row is required, got an empty file", file));
  out.header = rec.fields;
  std::vector<std::size_t> at;
  std::vector<std::string> missing;
  for (const auto& col : measured_result_columns()) {
    const auto it = std::find(out.header.begin(), out.header.end(), col);
    if (it == out.header.end()) missing.push_back(col);
    at.push_back(static_cast<std::size_t>(it - out.header.begin()));
  }
  if (!missing.empty())
    throw InputError(fmt::format("{}: line 1: the header lacks required column(s) {} (needs {})",
                                 file, fmt::join(missing, ", "),
                                 fmt::join(measured_result_columns(), ",")));
  while (csv.next(rec)) {
    if (rec.blank()) continue;
    if (rec.fields.size() != out.header.size())
      throw InputError(fmt::format("{}: line {}: {} fields, the header has {}", file, rec.line,
                                   rec.fields.size(), out.header.size()));
    MeasuredRow r;
    r.line = rec.line;
    r.fields = rec.fields;
    std::string* dest[] = {&r.hardware, &r.devices,   &r.tp,
                           &r.model,    &r.precision, &r.engine,
                           &r.isl,      &r.osl,       &r.batch_or_concurrency,
                           &r.metric,   &r.value,     &r.unit};
    for (std::size_t i = 0; i < at.size(); ++i) *dest[i] = rec.fields[at[i]];
    out.rows.push_back(std::move(r));
  }
  if (in.bad()) throw InputError(fmt::format("{}: read error", file));
  return out;
}

}  // namespace maia
