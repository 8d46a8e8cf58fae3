#pragma once
// Topologies registered by name: each kind has its knobs (typed, unit, range, provenance; a null
// default means the system file must give the value) and a factory that builds it for a chip and
// a chip count, refusing with a named error what the chip or the topology cannot do.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/any_chip_config.hpp"
#include "maia/config/knob.hpp"
#include "maia/system/topology.hpp"

namespace maia {

struct TopologyKnob : KnobInfo {
  nlohmann::json default_value;  // null: no default, the system file gives it
  // Where the string "chip" as the value takes it from (empty: "chip" is not accepted), and the
  // lookup: the chip's value, or null when this chip has none (e.g. a Maia chip has no nvlink).
  std::string from_chip;
  std::function<nlohmann::json(const AnyChipConfig&)> chip_value;
};

// The validated knob values of one topology (dotted path -> value, defaults filled in).
class TopologyParams {
 public:
  TopologyParams() = default;
  explicit TopologyParams(std::map<std::string, nlohmann::json> values)
      : values_(std::move(values)) {}
  double number(const std::string& path) const;
  std::int64_t integer(const std::string& path) const;
  const std::map<std::string, nlohmann::json>& values() const { return values_; }

 private:
  std::map<std::string, nlohmann::json> values_;
};

// What a factory gets: the chip, the chip count, the knob values and the file to name in errors.
struct TopologyBuild {
  const AnyChipConfig& chip;
  std::int64_t chips;
  const TopologyParams& params;
  std::string where;
};

struct TopologyKind {
  std::string name;
  std::string description;
  std::vector<TopologyKnob> knobs;
  std::function<std::unique_ptr<Topology>(const TopologyBuild&)> make;
};

// Every registered kind, in registration order.
const std::vector<TopologyKind>& topology_kinds();
// The kind called `name`; InputError "<where>: topology.name: unknown topology ..., known: ...
// (did you mean ...)" otherwise.
const TopologyKind& find_topology_kind(const std::string& name, const std::string& where);
// "fcq-tray, maia-cluster, switched".
std::string topology_names_text();

}  // namespace maia
