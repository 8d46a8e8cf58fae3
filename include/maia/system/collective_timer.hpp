#pragma once
// How a run prices a collective that the one simulated chip cannot run as its own program (a
// group beyond its direct links, or an all-to-all): a collective timer over a system. This is
// the seam between a chip backend (symmetric fidelity: one chip simulated, its peers mirrored)
// and the network: today the analytical model (maia/system/collective_model.hpp); a detailed
// network simulation can implement the same interface. Timers are registered by fidelity name.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maia/core/dtype.hpp"
#include "maia/system/collective_op.hpp"
#include "maia/system/system_config.hpp"

namespace maia {

struct CollectiveTiming {
  std::string algorithm;   // the algorithm the timer used
  std::string outer_tier;  // the outermost tier the group crosses ("tray", "t0", "switch", ...)
  double time_ns = 0;
  double busbw_gbps = 0;
  double bound_gbps = 0;  // the topology's best busbw for this op and group
};

class CollectiveTimer {
 public:
  virtual ~CollectiveTimer() = default;
  // The fidelity's name ("analytical").
  virtual std::string_view fidelity() const = 0;
  // The system it times on.
  virtual const SystemConfig& system() const = 0;
  // `op` of `bytes` (the nccl-tests size: the whole buffer; all-gather: the output; all-to-all:
  // one rank's send buffer) over ranks 0..ranks-1 of the system, in `dtype`. InputError when
  // the group does not fit the system.
  virtual CollectiveTiming time(CollectiveOp op, std::int64_t ranks, double bytes,
                                DType dtype) const = 0;
};

// The registered fidelities' names ("analytical").
std::vector<std::string> collective_timer_names();
// A timer of fidelity `name` on `system`; InputError naming `where`, the known names and a
// did-you-mean otherwise.
std::unique_ptr<CollectiveTimer> make_collective_timer(const std::string& name,
                                                       std::shared_ptr<const SystemConfig> system,
                                                       const std::string& where);

}  // namespace maia
