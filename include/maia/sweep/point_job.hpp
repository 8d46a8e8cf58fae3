#pragma once
// One sweep point run as a child `maia-sim run`: its folder DIR/points/<id>/ gets chip.json (the
// resolved config), command.txt, stdout.txt, stderr.txt and the run's own outputs
// (summary.json, ops.csv, ...). When it ends, its result document holds the row (ok with the key
// metrics, or failed with the error: exit code, signal or timeout) and the input hash.
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "maia/core/child_process.hpp"
#include "maia/sweep/sweep_points.hpp"

namespace maia {

struct PointRunSettings {
  std::string exe;       // the maia-sim binary
  std::string out_dir;   // the sweep's output folder
  double timeout_s = 0;  // 0: none
  const SweepContext* ctx = nullptr;
};

class PointJob {
 public:
  // Prepares the point's folder and starts the child.
  PointJob(SweepPoint p, const PointRunSettings& s);
  // The result document once the child has ended.
  std::optional<nlohmann::ordered_json> poll();
  const SweepPoint& point() const { return point_; }

 private:
  nlohmann::ordered_json result(const ChildExit& e) const;
  SweepPoint point_;
  const PointRunSettings& settings_;
  std::string dir_;
  std::unique_ptr<ChildProcess> child_;
};

// The result document of a point that is not run (skipped by a constraint).
nlohmann::ordered_json skipped_point_result(const SweepPoint& p);

}  // namespace maia
