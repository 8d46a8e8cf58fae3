#pragma once
// A run's energy and cost (summary.json "energy" and "cost", docs/power.md): its phases' activity
// priced by the energy model, the power over the representative iterations' operator phases, and
// tokens per joule and per dollar.
#include <string>
#include <vector>

#include "maia/report/energy_model.hpp"
#include "maia/report/summary.hpp"

namespace maia {

// One chip's energy over one phase of the run (prefill, decode, idle) and the phase's time.
struct PhaseEnergy {
  std::string name;
  EnergyBreakdown joules;
  double time_s = 0;
  double average_power_w() const { return time_s > 0 ? joules.total() / time_s : 0.0; }
};

struct RunEnergy {
  double chips = 1;
  EnergyBreakdown per_chip;         // one chip over the whole run, by class
  std::vector<PhaseEnergy> phases;  // one chip, per phase
  double time_s = 0;                // the phases' time
  double average_power_w = 0;       // one chip
  // One chip's highest power over an operator phase (operators run alone, or a merged window of
  // operators running side by side) of the representative iterations.
  double peak_power_w = 0;
  double output_tokens = 0;
  double joules() const { return per_chip.total() * chips; }  // every chip of the run
  double tokens_per_joule() const { return joules() > 0 ? output_tokens / joules() : 0.0; }
};

RunEnergy run_energy(const RunSummary& s, const EnergyCoefficients& k);
Json energy_json(const RunEnergy& e);

// summary.json "cost": rental (price per chip-hour over the run's time) or total cost of
// ownership (capital amortised over the lifetime for the run's time, plus the run's energy at the
// facility's PUE and electricity price).
Json cost_json(const RunEnergy& e, const CostInputs& c);

// One operator's energy (idle power over its time included).
EnergyBreakdown op_energy(const OpMeasurement& m, const EnergyCoefficients& k);

}  // namespace maia
