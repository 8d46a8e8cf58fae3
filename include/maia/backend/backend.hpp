#pragma once
// One chip of some kind, as everything above the compiler sees it: what it holds and how fast it
// can go (static facts from its config, no simulation), and the simulation itself (time an
// operator or one iteration's operator graph, move bytes to and from the host). Serving, static
// batches, capacity checks, sweeps and reports go through this interface only, so a new chip
// kind is a new implementation (maia/backend/make_backend.hpp), not a change to any of them.
//
// The first simulating call elaborates the kind's model; SystemC elaborates once per process, so
// a process simulates at most one backend (separate experiments are separate processes).
#include <cstdint>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/report/energy_model.hpp"
#include "maia/report/op_measurement.hpp"
#include "maia/system/collective_timer.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {

class MeasurementCache;
class Timeline;

// How a backend runs operator graphs; each kind reads what applies to it.
struct BackendOptions {
  bool memoize = true;    // operators with equal signatures reuse the first measurement
  bool prefetch = false;  // load the next operator's first weights during the current one
  bool overlap = true;    // run consecutive operators of a layer side by side where they fit
  // Measurements kept across processes (maia/cache/measurement_cache.hpp); nullptr: none. The
  // caller keeps it alive. Results are the same with or without it.
  MeasurementCache* cache = nullptr;
};

// A figure derived from the config alone, by name (sweep constraints refer to it as chip.<name>).
struct ChipFigure {
  std::string name;
  std::string meaning;
  double value = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The config's name (reports name the chip by it).
  virtual const std::string& chip_name() const = 0;

  // Static facts, from the config alone.
  // Device memory the workload may use (weights, KV cache, workspace), bytes.
  virtual std::uint64_t memory_capacity_bytes() const = 0;
  // Whether a model's weights (bytes) can stay in on-chip memory for the whole run instead of
  // streaming from device memory each iteration.
  virtual bool weights_fit_on_chip(std::uint64_t weight_bytes) const = 0;
  // Chips one tensor-parallel group may span over this kind's scale-up links (a Maia tray; a
  // GPU's switch domain).
  virtual std::int64_t tensor_parallel_limit() const = 0;
  // Time the kind's serving engine spends per iteration outside the operators (scheduling,
  // sampling, launching), ns; added once to every serving and static-batch iteration.
  virtual double iteration_overhead_ns() const = 0;
  // The kind's figures (capacities, peaks, power), in a fixed order.
  virtual std::vector<ChipFigure> figures() const = 0;
  // The energy model's per-event energies and idle power, from the kind's `energy` knobs: the
  // measurements' Activity priced with them gives joules (maia/report/energy_model.hpp).
  virtual EnergyCoefficients energy_coefficients() const = 0;
  // The kind's total-cost-of-ownership knobs (`cost`), for tokens per dollar.
  virtual const CostConfig& cost_config() const = 0;

  // Simulation.
  // One iteration: the graph's operators in order, as the kind's executor schedules them.
  virtual IterationResult run_graph(const OperatorGraph& graph) = 0;
  // One host transfer of `bytes` (>= 1) to or from the device, simulated now, ns.
  virtual double host_transfer_ns(std::uint64_t bytes, bool to_device) = 0;
  // Keep weights on chip from now on (see weights_fit_on_chip); a kind without such a mode
  // ignores it.
  virtual void set_weights_resident(bool on) = 0;

  // Collectives the kind's own links cannot run (a group beyond the tensor_parallel_limit, an
  // all-to-all) are timed by `timer` from now on: the symmetric fidelity, one chip simulated and
  // the system's network priced by the timer (nullptr, the default: such collectives are refused).
  // The caller keeps the timer alive.
  virtual void set_collective_timer(const CollectiveTimer* timer) = 0;

  // Draw every simulated operator and program from now on on `timeline` (nullptr: nothing).
  virtual void set_timeline(Timeline* timeline) = 0;
  virtual Timeline* timeline() const = 0;

  // What the simulation did so far: operators simulated, and reused from a measurement.
  virtual std::uint64_t operators_simulated() const = 0;
  virtual std::uint64_t operators_reused() const = 0;
};

}  // namespace maia
