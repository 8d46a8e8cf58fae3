#pragma once
// maia-sim run on a system of chips (docs/systems.md, "Parallelism in maia-sim run"): which
// system a run uses (--system, or the default for the chip and the chip count), the checks that
// the degrees fit it, the collective timer the backend gets, and summary.json's system block.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maia/config/any_chip_config.hpp"
#include "maia/report/summary.hpp"
#include "maia/serving/pipeline_batch.hpp"
#include "maia/system/collective_timer.hpp"
#include "maia/system/system_config.hpp"

namespace maia::cli {

struct Degrees {
  std::int64_t tp = 1, ep = 1, pp = 1, dp = 1;
  std::int64_t chips() const { return tp * ep * pp * dp; }
};

struct RunSystem {
  std::shared_ptr<const SystemConfig> system;  // null: a one-chip run, no system
  std::unique_ptr<CollectiveTimer> timer;
  std::string chosen;  // how it was chosen ("--system FILE", "default for 8 chips")
};

// The default system file for `chips` chips of a Maia chip whose tray holds `tray` chips:
// configs/systems/maia200-tray.json when they fit a tray, maia200-cluster-6144.json beyond.
std::string default_maia_system_file(std::int64_t chips, std::int64_t tray);

// The run's system. `system_file` empty: the default for the chip (Maia: by the rule above, with
// the run's chip in its topology; a GPU: its NVLink switch domain), built only when the degrees
// use more than one chip. `system_file` given: that system; with `chip_given` (--chip or --set)
// the run's chip replaces the system's, otherwise the run's chip (`cfg`) becomes the system's.
// InputError, exit 2: more chips than the system has, a group that the topology cannot form.
RunSystem make_run_system(const std::string& system_file, bool chip_given, AnyChipConfig& cfg,
                          const Degrees& d);

// summary.json's system block: the system, topology, fidelity, degrees and, per representative
// iteration, bytes and time per collective kind and the time share of each tier crossed.
// With a pipeline, its stages, micro-batches, per-stage times, transfers and bubbles too.
Json system_json(const RunSystem& rs, const Degrees& d, const std::vector<OpPhase>& phases,
                 const PipelineRun* pipeline = nullptr);

// "8 chips (tp 8) of maia200-cluster-6144 (maia-cluster), symmetric fidelity; collectives
// per iteration: ...": the run report's parallelism line(s).
std::string system_text(const Json& system);

}  // namespace maia::cli
