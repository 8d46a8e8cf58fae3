#pragma once
// The bookkeeping of one sweep run over an output folder: which points already have a result
// for unchanged inputs (resumed), which are still to run, recording each result as it arrives
// (result.json, then one line of the results log) and rebuilding the tables in point order.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/sweep/sweep_points.hpp"
#include "maia/sweep/sweep_results.hpp"

namespace maia {

struct SweepCounts {
  std::int64_t total = 0, ok = 0, failed = 0, skipped = 0, resumed = 0;
  std::int64_t done() const { return ok + failed + skipped; }
  std::int64_t remaining() const { return total - done(); }
};

class SweepSession {
 public:
  // `points`: those this run is responsible for (all, or one shard's); results go to
  // out_dir/<results_name>.jsonl and .csv. Failed points are run again when retry_failed.
  SweepSession(std::string out_dir, std::string results_name, std::vector<SweepPoint> points,
               bool retry_failed);

  const std::vector<SweepPoint>& points() const { return points_; }
  // Points without a result yet, in order.
  std::vector<const SweepPoint*> pending() const;
  // Stores a finished point's result document.
  void record(const SweepPoint& p, const nlohmann::ordered_json& result);
  // Rewrites the tables with every recorded row, in point order.
  void finish();
  const SweepCounts& counts() const { return counts_; }

 private:
  void count(const nlohmann::ordered_json& row, int sign);
  std::string out_dir_, name_;
  std::vector<SweepPoint> points_;
  std::map<std::int64_t, nlohmann::ordered_json> rows_;  // by point index
  SweepCounts counts_;
  std::unique_ptr<ResultsLog> log_;
};

}  // namespace maia
