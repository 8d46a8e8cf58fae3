#pragma once
// Published, measured serving results (../shared/calibration/gpu_measured_calibration.csv and any
// CSV with its columns): one row per measurement of one metric on one hardware setup. Read as
// text; what a row means is decided by the row planner (maia/validation/row_plan.hpp).
#include <cstdint>
#include <string>
#include <vector>

namespace maia {

// The columns every measured-results CSV must have (others, e.g. source_url and notes, are kept
// and echoed).
const std::vector<std::string>& measured_result_columns();

struct MeasuredRow {
  std::int64_t line = 0;            // line of the CSV the row starts on
  std::vector<std::string> fields;  // every column, as read (for echoing)
  std::string hardware, devices, tp, model, precision, engine, isl, osl, batch_or_concurrency,
      metric, value, unit;
};

struct MeasuredResults {
  std::string file;
  std::vector<std::string> header;
  std::vector<MeasuredRow> rows;  // blank lines left out
};

// InputError naming the file (and line) for: a file that cannot be read, no header, missing
// required columns (all listed), a row with another number of fields than the header.
MeasuredResults read_measured_results(const std::string& file);

}  // namespace maia
