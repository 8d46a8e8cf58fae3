#include "maia/sweep/sweep_session.hpp"

#include <filesystem>

#include "maia/sweep/point_job.hpp"

namespace maia {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

SweepSession::SweepSession(std::string out_dir, std::string results_name,
                           const SweepPointSpace& space, SweepShard shard, bool retry_failed)
    : out_dir_(std::move(out_dir)), name_(std::move(results_name)), space_(space) {
  fs::create_directories(fs::path(out_dir_) / "points");
  for (std::int64_t i = shard.index; i < space.size(); i += shard.count) {
    const SweepPoint p = space.at(i);
    ++counts_.total;
    if (!p.skip_reason.empty()) {  // skipped points cost nothing: always recomputed
      const OJson doc = skipped_point_result(p);
      if (!load_point_row(out_dir_, p)) write_point_result(out_dir_, p, doc);
      rows_[p.index] = doc["row"];
      count(doc["row"], 1);
      continue;
    }
    auto row = load_point_row(out_dir_, p);
    if (!row || (retry_failed && (*row)["status"] == kStatusFailed)) {
      pending_.push_back(i);
      continue;
    }
    rows_[p.index] = *row;
    count(*row, 1);
    ++counts_.resumed;
  }
  // The log starts with every known row, so that a kill at any later moment loses nothing.
  std::vector<OJson> rows;
  for (const auto& [i, r] : rows_) rows.push_back(r);
  write_results_tables(out_dir_, name_, rows);
  log_ = std::make_unique<ResultsLog>((fs::path(out_dir_) / (name_ + ".jsonl")).string());
}

void SweepSession::count(const OJson& row, int sign) {
  const std::string s = row["status"];
  (s == kStatusOk ? counts_.ok : s == kStatusSkipped ? counts_.skipped : counts_.failed) += sign;
}

void SweepSession::record(const SweepPoint& p, const OJson& result) {
  write_point_result(out_dir_, p, result);
  if (const auto it = rows_.find(p.index); it != rows_.end()) count(it->second, -1);
  rows_[p.index] = result["row"];
  count(result["row"], 1);
  log_->append(result["row"]);
}

void SweepSession::finish() {
  std::vector<OJson> rows;
  for (const auto& [i, r] : rows_) rows.push_back(r);
  write_results_tables(out_dir_, name_, rows);
}

}  // namespace maia
