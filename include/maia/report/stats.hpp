#pragma once
// Per-module statistics. Every hardware module owns a StatGroup named after its SystemC
// hierarchical name and fills it at the end of a run; a report walks the groups in the order
// modules were built, so the output is deterministic.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace maia {

using Json = nlohmann::ordered_json;

struct Stat {
  std::string name;
  double value = 0;
  std::string unit;
  std::string description;
};

class StatGroup {
 public:
  explicit StatGroup(std::string name) : name_(std::move(name)) {}

  void set(const std::string& name, double value, const std::string& unit,
           const std::string& description);
  const std::string& name() const { return name_; }
  const std::vector<Stat>& stats() const { return stats_; }
  // Value of a stat by name; throws std::out_of_range when absent.
  double get(const std::string& name) const;
  Json to_json() const;

 private:
  std::string name_;
  std::vector<Stat> stats_;
};

// Anything that can describe itself with statistics.
class StatsSource {
 public:
  virtual ~StatsSource() = default;
  virtual void collect_stats(std::vector<StatGroup>& out) const = 0;
};

}  // namespace maia
