#include <functional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "maia/hw/net/spray_policy.hpp"

namespace maia {
namespace {

using Factory = std::unique_ptr<SprayPolicy> (*)();

// The registered policies: a new one is a new file and one line here.
const std::vector<std::pair<std::string, Factory>>& policies() {
  static const std::vector<std::pair<std::string, Factory>> list = {
      {"round-robin", make_round_robin_spray},
      {"least-loaded", make_least_loaded_spray},
  };
  return list;
}

}  // namespace

std::string spray_policy_names_text() {
  std::string s;
  for (const auto& [name, make] : policies()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

std::unique_ptr<SprayPolicy> make_spray_policy(const std::string& name, const std::string& where) {
  std::vector<std::string> names;
  for (const auto& [known, make] : policies()) {
    if (known == name) return make();
    names.push_back(known);
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: unknown spray policy \"{}\", known: {}{}", where, name,
                               spray_policy_names_text(),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace maia
