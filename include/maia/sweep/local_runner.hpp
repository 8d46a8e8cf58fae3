#pragma once
// Runs sweep points on this machine, `jobs` child processes at a time, until all are done or
// `stop` says so (the children still running are killed and their points left unrecorded, so a
// later run does them again).
#include <cstdint>
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

// Runs the points of `space` at `indices` (each resolved when it starts). True when every point
// ran; false when stopped.
bool run_points_locally(const SweepPointSpace& space, const std::vector<std::int64_t>& indices,
                        const PointRunSettings& settings, int jobs, const LocalRunHooks& hooks);

}  // namespace maia
