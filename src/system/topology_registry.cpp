#include "maia/system/topology_registry.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"
#include "topology_kinds.hpp"

namespace maia {

double TopologyParams::number(const std::string& path) const {
  return values_.at(path).get<double>();
}

std::int64_t TopologyParams::integer(const std::string& path) const {
  return values_.at(path).get<std::int64_t>();
}

const std::vector<TopologyKind>& topology_kinds() {
  static const std::vector<TopologyKind> kinds = {fcq_tray_topology(), maia_cluster_topology(),
                                                  switched_topology()};
  return kinds;
}

std::string topology_names_text() {
  std::string s;
  for (const auto& k : topology_kinds()) s += (s.empty() ? "" : ", ") + k.name;
  return s;
}

const TopologyKind& find_topology_kind(const std::string& name, const std::string& where) {
  std::vector<std::string> names;
  for (const auto& k : topology_kinds()) {
    if (k.name == name) return k;
    names.push_back(k.name);
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: topology.name: unknown topology \"{}\", known: {}{}", where,
                               name, topology_names_text(),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

const ChipConfig& maia_chip_of(const TopologyBuild& b, const std::string& topology) {
  if (const auto* c = std::get_if<ChipConfig>(&b.chip)) return *c;
  throw InputError(fmt::format(
      "{}: chip: topology {} needs a maia chip (its tray links and scale-out ports come from "
      "nic.*), got kind \"{}\"",
      b.where, topology, chip_kind_name(chip_kind(b.chip))));
}

}  // namespace maia
