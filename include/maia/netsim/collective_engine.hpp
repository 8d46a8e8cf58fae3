#pragma once
// Runs a collective's message schedule through a Fabric in SystemC time: one process takes the
// tasks in the order they become ready (a task is ready when every task it waits for has
// completed), waits until that simulated time, and books it: the sends a rank issues at one
// instant together (their chunks share the rank's ports in turn), a reduction on the rank's
// vector units. Bookings give each task's completion at once (the reservation style of hw/),
// which makes its dependants ready. Every run shares the process's one SystemC time base: a run
// starts where the previous one ended.
#include <cstdint>
#include <vector>

#include "maia/core/time.hpp"
#include "maia/hw/net/fabric.hpp"
#include "maia/netsim/collective_schedule.hpp"

namespace maia {

struct ScheduleRun {
  Picos start = 0;            // simulated time the schedule began
  Picos end = 0;              // its last task's completion
  std::vector<Picos> finish;  // per task
};

// Runs `schedule` on `fabric` (elaborating the engine module on the first call, so call it before
// any other sc_start of the process, or after only earlier calls of this function).
ScheduleRun run_schedule(Fabric& fabric, const Schedule& schedule);

}  // namespace maia
