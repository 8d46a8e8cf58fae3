#include "maia/system/collective_timer.hpp"

#include <functional>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "maia/system/collective_model.hpp"

namespace maia {
namespace {

// The analytical model: estimate_collective with the system's algorithm ("auto": the fastest).
class AnalyticalCollectiveTimer final : public CollectiveTimer {
 public:
  explicit AnalyticalCollectiveTimer(std::shared_ptr<const SystemConfig> system)
      : system_(std::move(system)) {}
  std::string_view fidelity() const override { return "analytical"; }
  const SystemConfig& system() const override { return *system_; }
  CollectiveTiming time(CollectiveOp op, std::int64_t ranks, double bytes,
                        DType dtype) const override {
    const CollectiveEstimate e = estimate_collective(*system_->topology, system_->chip, op, ranks,
                                                     bytes, dtype, system_->algorithm);
    const std::vector<Tier> tiers = system_->topology->tiers(ranks, "collective");
    return {e.algorithm, tiers.empty() ? std::string() : tiers.back().name, e.time_ns, e.busbw_gbps,
            e.bound_gbps};
  }

 private:
  std::shared_ptr<const SystemConfig> system_;
};

struct TimerKind {
  std::string name;
  std::function<std::unique_ptr<CollectiveTimer>(std::shared_ptr<const SystemConfig>)> make;
};

const std::vector<TimerKind>& timer_kinds() {
  static const std::vector<TimerKind> kinds = {
      {"analytical", [](std::shared_ptr<const SystemConfig> s) -> std::unique_ptr<CollectiveTimer> {
         return std::make_unique<AnalyticalCollectiveTimer>(std::move(s));
       }}};
  return kinds;
}

}  // namespace

std::vector<std::string> collective_timer_names() {
  std::vector<std::string> names;
  for (const auto& k : timer_kinds()) names.push_back(k.name);
  return names;
}

std::unique_ptr<CollectiveTimer> make_collective_timer(const std::string& name,
                                                       std::shared_ptr<const SystemConfig> system,
                                                       const std::string& where) {
  for (const auto& k : timer_kinds())
    if (k.name == name) return k.make(std::move(system));
  const auto names = collective_timer_names();
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: unknown collective fidelity \"{}\", known: {}{}", where, name,
                               known,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace maia
