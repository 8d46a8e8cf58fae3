#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "maia/netsim/collective_fidelity.hpp"

namespace maia {

const std::vector<std::unique_ptr<CollectiveFidelity>>& collective_fidelities() {
  static const auto list = [] {
    std::vector<std::unique_ptr<CollectiveFidelity>> f;
    f.push_back(make_analytical_fidelity());
    f.push_back(make_detailed_fidelity());
    return f;
  }();
  return list;
}

std::string collective_fidelity_names_text() {
  std::string s;
  for (const auto& f : collective_fidelities())
    s += (s.empty() ? "" : ", ") + std::string(f->name());
  return s;
}

const CollectiveFidelity& find_collective_fidelity(const std::string& name,
                                                   const std::string& where) {
  std::vector<std::string> names;
  for (const auto& f : collective_fidelities()) {
    if (f->name() == name) return *f;
    names.emplace_back(f->name());
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: unknown fidelity \"{}\", known: {}{}", where, name,
                               collective_fidelity_names_text(),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace maia
