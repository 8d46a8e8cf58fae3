// The registered routers: a new policy is a new file and one line here.
#include <functional>
#include <utility>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "maia/serving/system/router.hpp"

namespace maia {
namespace {

using Factory = std::unique_ptr<Router> (*)();

const std::vector<std::pair<std::string, Factory>>& routers() {
  static const std::vector<std::pair<std::string, Factory>> list = {
      {"round-robin", &make_round_robin_router},
      {"least-outstanding", &make_least_outstanding_router},
      {"prefix-affinity", &make_prefix_affinity_router},
  };
  return list;
}

}  // namespace

std::string router_names_text() {
  std::string out;
  for (const auto& [name, make] : routers()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::unique_ptr<Router> make_router(const std::string& name, const std::string& where) {
  std::vector<std::string> names;
  for (const auto& [n, make] : routers()) {
    if (n == name) return make();
    names.push_back(n);
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: unknown router '{}' (known: {}){}", where, name,
                               router_names_text(),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace maia
