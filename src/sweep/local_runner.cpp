#include "maia/sweep/local_runner.hpp"

#include <unistd.h>

#include <list>
#include <memory>

namespace maia {

bool run_points_locally(const SweepPointSpace& space, const std::vector<std::int64_t>& indices,
                        const PointRunSettings& settings, int jobs, const LocalRunHooks& hooks) {
  std::list<std::unique_ptr<PointJob>> running;
  std::size_t next = 0;
  while (next < indices.size() || !running.empty()) {
    if (hooks.stop && hooks.stop()) return false;  // ~PointJob kills the children
    while (next < indices.size() && static_cast<int>(running.size()) < jobs)
      running.push_back(std::make_unique<PointJob>(space.at(indices[next++]), settings));
    for (auto it = running.begin(); it != running.end();) {
      if (auto result = (*it)->poll()) {
        hooks.on_result((*it)->point(), *result);
        it = running.erase(it);
      } else {
        ++it;
      }
    }
    if (hooks.tick) hooks.tick(static_cast<int>(running.size()));
    ::usleep(2000);  // children run for a fraction of a second at least: poll every 2 ms
  }
  return true;
}

}  // namespace maia
