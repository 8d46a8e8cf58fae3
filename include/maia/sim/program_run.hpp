#pragma once
// Runs programs on a chip and summarises each: time, per-engine busy time, bytes moved per
// memory level, FLOPs, and every module's statistics. SystemC elaborates once per process, so a
// process builds one ChipSession and may run several programs on it one after another (phases
// of one time base: an operator trace, the iterations of a serving run); separate experiments
// use separate processes (sweeps, `microbench all`).
#include <memory>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/program/program.hpp"
#include "maia/report/activity.hpp"
#include "maia/report/stats.hpp"

namespace maia {

struct RunOptions {
  double max_sim_time_ms = 0;  // 0: no limit
  bool include_module_stats = true;
  // Start from a canonical state instead of where the previous phase left the chip: idle for at
  // least one HBM refresh interval (tREFI), up to a multiple of it, every HBM row closed and
  // every refresh due issued. Measurements that are memoised and reused (operator phases) then
  // do not depend on what ran before.
  bool canonical_start = false;
};

struct EngineSummary {
  std::string name;
  double instructions = 0, busy_ns = 0, semaphore_wait_ns = 0;
  std::vector<std::pair<double, double>> spans_ns;  // each instruction's start and end
};

struct ProgramResult {
  std::string program, chip;
  double time_ns = 0;
  double cycles = 0;
  std::vector<EngineSummary> engines;
  // Bytes moved per memory level and FLOPs, summed over modules.
  double hbm_read_bytes = 0, hbm_write_bytes = 0, csram_read_bytes = 0, csram_write_bytes = 0,
         tsram_read_bytes = 0, tsram_write_bytes = 0, noc_link_bytes = 0, pcie_h2d_bytes = 0,
         pcie_d2h_bytes = 0, ttu_flops = 0, tvp_flops = 0, nic_tx_bytes = 0, nic_rx_bytes = 0;
  // The phase's events for the energy model (deltas of the modules' statistics).
  Activity activity;
  std::vector<StatGroup> modules;
  Json to_json(bool include_modules) const;
};

class Chip;
class Timeline;

// One chip in this process's simulation, running programs as successive phases. Resource state
// (bookings, open HBM rows, refresh phase) carries over from one phase to the next, as on
// hardware; semaphores are per program.
class ChipSession {
 public:
  explicit ChipSession(const ChipConfig& cfg);
  ~ChipSession();
  ChipSession(const ChipSession&) = delete;
  ChipSession& operator=(const ChipSession&) = delete;

  // Runs `program` starting at the current simulated time until every queue is done. The
  // result's time is the phase's duration; bytes and FLOPs are what this phase did; modules are
  // cumulative statistics. Throws SimulationError when the program deadlocks (naming the stuck
  // instructions) or runs past the simulated-time limit.
  ProgramResult run(const Program& program, const RunOptions& opt = {});
  double now_ns() const;
  Chip& chip() { return *chip_; }
  // The config the chip was built from.
  const ChipConfig& config() const { return cfg_; }
  // Draws every program run from now on (engine instructions, HBM channel activity) on
  // `timeline` at its cursor (maia/sim/timeline_recording.hpp); nullptr: nothing is drawn.
  void set_timeline(Timeline* timeline);
  Timeline* timeline() const { return timeline_; }

 private:
  ChipConfig cfg_;
  std::unique_ptr<Chip> chip_;
  Timeline* timeline_ = nullptr;
};

// Runs one program on a fresh chip: ChipSession(cfg).run(program).
ProgramResult run_program(const ChipConfig& cfg, const Program& program,
                          const RunOptions& opt = {});

// Finds a module statistic by group name suffix, summed over matching groups.
double sum_stat(const std::vector<StatGroup>& groups, const std::string& group_suffix,
                const std::string& stat);

}  // namespace maia
