#pragma once
// The files of a sweep's output folder (docs/sweeps.md): DIR/points/<id>/result.json (one per
// point, written atomically when the point ends), DIR/results.jsonl (append-only while running,
// one fsync'd line per point, rebuilt in point order at the end) and DIR/results.csv. A row is
// flat: index, id, status, the point's parameters, its key metrics (report/metrics.hpp), message.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/sweep/sweep_points.hpp"

namespace maia {

inline constexpr const char* kStatusOk = "ok";
inline constexpr const char* kStatusFailed = "failed";
inline constexpr const char* kStatusSkipped = "skipped";

// A row; `message` is the error of a failed point or the reason of a skipped one.
nlohmann::ordered_json sweep_row(const SweepPoint& p, const std::string& status,
                                 const nlohmann::ordered_json& metrics, const std::string& message);

// The key metrics of a point from its summary.json (per watt: tokens_per_joule, measured by the
// energy model, not a TDP).
nlohmann::ordered_json point_metrics(const nlohmann::json& summary);

// Writes `text` to `file` through a temporary file and a rename: readers see the old file or
// the new one, never a part.
void write_file_atomic(const std::string& file, const std::string& text);

std::string point_dir(const std::string& out_dir, const SweepPoint& p);

// A point's result document: {"input_hash", "row", "exit_code", "wall_s"}.
void write_point_result(const std::string& out_dir, const SweepPoint& p,
                        const nlohmann::ordered_json& result);
// The row of a point's earlier result when its inputs are unchanged (same input hash).
std::optional<nlohmann::ordered_json> load_point_row(const std::string& out_dir,
                                                     const SweepPoint& p);

// Appends rows to DIR/<name>.jsonl, each line written whole and fsync'd.
class ResultsLog {
 public:
  explicit ResultsLog(const std::string& file);
  ~ResultsLog();
  ResultsLog(const ResultsLog&) = delete;
  ResultsLog& operator=(const ResultsLog&) = delete;
  void append(const nlohmann::ordered_json& row);

 private:
  std::string file_;
  int fd_ = -1;
};

// Writes DIR/<name>.jsonl and DIR/<name>.csv (atomically) with `rows` in order.
void write_results_tables(const std::string& out_dir, const std::string& name,
                          const std::vector<nlohmann::ordered_json>& rows);

// Reads a results .jsonl file; InputError naming the file and line on a malformed row.
std::vector<nlohmann::ordered_json> read_results_jsonl(const std::string& file);

// The CSV text of rows: a header of every column (index, id, status, parameters, metrics in
// table order, message), one line per row, RFC 4180 quoting.
std::string results_csv(const std::vector<nlohmann::ordered_json>& rows);

}  // namespace maia
