#include "maia/report/run_energy.hpp"

#include <algorithm>

namespace maia {

namespace {

constexpr double kSecondsPerYear = 365.25 * 24 * 3600;
constexpr double kJoulesPerKwh = 3.6e6;

Json classes_json(const EnergyBreakdown& e) {
  Json j = Json::object();
  for (std::size_t i = 0; i < kEnergyClasses; ++i)
    j[std::string(energy_class_name(static_cast<EnergyClass>(i)))] = e.joules[i];
  return j;
}

}  // namespace

EnergyBreakdown op_energy(const OpMeasurement& m, const EnergyCoefficients& k) {
  return energy_of(m.activity, m.time_ns, k);
}

RunEnergy run_energy(const RunSummary& s, const EnergyCoefficients& k) {
  RunEnergy e;
  e.chips = static_cast<double>(s.chips());
  for (const auto& p : s.phases) {
    const EnergyBreakdown b = energy_of(p.activity, p.time_ns, k);
    e.per_chip += b;
    e.phases.push_back({p.name, b, p.time_ns / 1e9});
    e.time_s += p.time_ns / 1e9;
  }
  // A serving run's chip idles between iterations (no request to run): idle power only.
  double busy_ns = 0;
  for (const auto& p : s.phases) busy_ns += p.time_ns;
  if (s.simulated_ns - busy_ns > 1) {
    const EnergyBreakdown b = energy_of({}, s.simulated_ns - busy_ns, k);
    e.per_chip += b;
    e.phases.push_back({"idle", b, (s.simulated_ns - busy_ns) / 1e9});
    e.time_s += (s.simulated_ns - busy_ns) / 1e9;
  }
  e.average_power_w = e.time_s > 0 ? e.per_chip.total() / e.time_s : 0.0;
  // Operators of one merged window split its activity by engine share and its time by finish
  // order, so the window, not the operator, is the unit of power.
  for (const auto& p : s.op_phases)
    for (std::size_t i = 0; i < p.ops.size();) {
      const std::size_t n = static_cast<std::size_t>(std::max(p.ops[i].window, 1));
      Activity a;
      double t = 0;
      for (std::size_t j = i; j < std::min(i + n, p.ops.size()); ++j) {
        a += p.ops[j].activity;
        t += p.ops[j].time_ns;
      }
      if (t > 0) e.peak_power_w = std::max(e.peak_power_w, energy_of(a, t, k).total() / (t / 1e9));
      i += n;
    }
  for (const auto& r : s.requests) e.output_tokens += static_cast<double>(r.output_tokens);
  return e;
}

Json energy_json(const RunEnergy& e) {
  Json phases = Json::object();
  for (const auto& p : e.phases)
    phases[p.name] = {{"joules", p.joules.total()},
                      {"average_power_w", p.average_power_w()},
                      {"classes_j", classes_json(p.joules)}};
  return Json{{"joules", e.joules()},
              {"chips", e.chips},
              {"joules_per_chip", e.per_chip.total()},
              {"classes_j", classes_json(e.per_chip)},
              {"phases", phases},
              {"average_power_w", e.average_power_w},
              {"peak_power_w", e.peak_power_w},
              {"tokens_per_joule", e.tokens_per_joule()}};
}

Json cost_json(const RunEnergy& e, const CostInputs& c) {
  const double chip_hours = e.chips * e.time_s / 3600;
  Json j;
  double dollars = 0;
  if (c.price_per_hour) {
    dollars = *c.price_per_hour * chip_hours;
    j["model"] = "rental";
    j["price_per_chip_hour_usd"] = *c.price_per_hour;
  } else {
    const double capital =
        c.capital_usd * e.chips * e.time_s / (c.lifetime_years * kSecondsPerYear);
    const double energy = e.joules() / kJoulesPerKwh * c.pue * c.energy_usd_per_kwh;
    dollars = capital + energy;
    j["model"] = "tco";
    j["capital_usd"] = capital;
    j["energy_usd"] = energy;
  }
  j["dollars"] = dollars;
  j["tokens_per_dollar"] = dollars > 0 ? e.output_tokens / dollars : 0.0;
  return j;
}

}  // namespace maia
