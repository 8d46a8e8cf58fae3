#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "maia/hw/hbm/hbm_scheduler.hpp"

namespace maia {

const std::vector<std::unique_ptr<HbmScheduler>>& hbm_schedulers() {
  static const auto list = [] {
    std::vector<std::unique_ptr<HbmScheduler>> s;
    s.push_back(make_fcfs_scheduler());
    s.push_back(make_fr_fcfs_scheduler());
    s.push_back(make_fr_fcfs_cap_scheduler());
    return s;
  }();
  return list;
}

std::string hbm_scheduler_names_text() {
  std::string s;
  for (const auto& p : hbm_schedulers()) s += (s.empty() ? "" : ", ") + std::string(p->name());
  return s;
}

const HbmScheduler& find_hbm_scheduler(const std::string& name, const std::string& where) {
  std::vector<std::string> names;
  for (const auto& p : hbm_schedulers()) {
    if (p->name() == name) return *p;
    names.emplace_back(p->name());
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: unknown scheduler \"{}\", known: {}{}", where, name,
                               hbm_scheduler_names_text(),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace maia
