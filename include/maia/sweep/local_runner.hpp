#pragma once
// Runs sweep points on this machine, `jobs` child processes at a time, until all are done or
// `stop` says so (the children still running are killed and their points left unrecorded, so a
// later run does them again).
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/sweep/point_job.hpp"

namespace maia {

struct LocalRunHooks {
  std::function<void(const SweepPoint&, const nlohmann::ordered_json&)> on_result;
  std::function<bool()> stop;             // polled; true: stop now
  std::function<void(int running)> tick;  // called every poll round (progress)
};

// True when every point ran; false when stopped.
bool run_points_locally(const std::vector<const SweepPoint*>& points,
                        const PointRunSettings& settings, int jobs, const LocalRunHooks& hooks);

}  // namespace maia
