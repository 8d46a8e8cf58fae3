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

// Which points one run is responsible for: those whose index is `index` mod `count` (a shard of
// a job array; 0/1: all).
struct SweepShard {
  std::int64_t index = 0, count = 1;
  bool has(std::int64_t point) const { return point % count == index; }
};

class SweepSession {
 public:
  // Walks the points of `space` in `shard` (resolving each, one at a time) to find those with a
  // result for unchanged inputs; results go to out_dir/<results_name>.jsonl and .csv. Failed
  // points are run again when retry_failed. `space` must outlive the session.
  SweepSession(std::string out_dir, std::string results_name, const SweepPointSpace& space,
               SweepShard shard, bool retry_failed);

  const SweepPointSpace& space() const { return space_; }
  // Indices of the points that had no result when the session started, in order.
  const std::vector<std::int64_t>& pending() const { return pending_; }
  // Stores a finished point's result document.
  void record(const SweepPoint& p, const nlohmann::ordered_json& result);
  // Rewrites the tables with every recorded row, in point order.
  void finish();
  const SweepCounts& counts() const { return counts_; }

 private:
  void count(const nlohmann::ordered_json& row, int sign);
  std::string out_dir_, name_;
  const SweepPointSpace& space_;
  std::vector<std::int64_t> pending_;
  std::map<std::int64_t, nlohmann::ordered_json> rows_;  // by point index, recorded points only
  SweepCounts counts_;
  std::unique_ptr<ResultsLog> log_;
};

}  // namespace maia
