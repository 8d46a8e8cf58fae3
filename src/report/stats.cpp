#include "maia/report/stats.hpp"

#include <stdexcept>

namespace maia {

void StatGroup::set(const std::string& name, double value, const std::string& unit,
                    const std::string& description) {
  for (auto& s : stats_) {
    if (s.name == name) {
      s.value = value;
      return;
    }
  }
  stats_.push_back({name, value, unit, description});
}

double StatGroup::get(const std::string& name) const {
  for (const auto& s : stats_)
    if (s.name == name) return s.value;
  throw std::out_of_range("no stat '" + name + "' in " + name_);
}

Json StatGroup::to_json() const {
  Json j = Json::object();
  for (const auto& s : stats_) j[s.name] = s.value;
  return j;
}

}  // namespace maia
