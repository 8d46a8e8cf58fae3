#include "maia/system/system_config.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/config/config_tree.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"
#include "maia/core/nearest_match.hpp"
#include "maia/system/collective_model.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using config_tree::fail;

const std::vector<std::string> kTopKeys = {"name",     "chip",       "chips",
                                           "topology", "collective", "transport"};

// The file (of an `extends` chain) that gave `path`.
std::string source_of(const config_tree::Tree& t, const std::string& path) {
  const auto it = t.sources.find(path);
  return it != t.sources.end() ? it->second : t.file;
}

std::string hint_text(const std::string& word, const std::vector<std::string>& known) {
  const std::string hint = nearest_match(word, known);
  return hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint);
}

// Leaves of a JSON object as dotted paths below `prefix`.
void flatten(const Json& node, const std::string& prefix, std::map<std::string, Json>& out) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.value().is_object() && !it.value().empty())
      flatten(it.value(), path, out);
    else
      out[path] = it.value();
  }
}

// The value the string "chip" stands for in knob `k`: the chip's own, stated by reference.
Json chip_reference(const TopologyKnob& k, const AnyChipConfig& chip, const std::string& where,
                    const Json& value) {
  if (k.from_chip.empty())
    fail(where, "topology." + k.path,
         "takes a number; \"chip\" is accepted only by knobs read from the chip", value);
  Json v = k.chip_value(chip);
  if (v.is_null())
    fail(where, "topology." + k.path,
         fmt::format("\"chip\" reads {} of the chip, which chip {} (kind {}) does not have",
                     k.from_chip, chip_name(chip), chip_kind_name(chip_kind(chip))),
         value);
  return v;
}

TopologyParams read_topology_params(const config_tree::Tree& t, const TopologyKind& kind,
                                    const AnyChipConfig& chip) {
  std::map<std::string, Json> given;
  Json body = t.doc["topology"];
  body.erase("name");
  flatten(body, "", given);
  std::vector<std::string> known;
  for (const auto& k : kind.knobs) known.push_back(k.path);
  std::map<std::string, Json> values;
  for (const auto& [path, value] : given) {
    const std::string where = source_of(t, "topology." + path);
    const auto it = std::find_if(kind.knobs.begin(), kind.knobs.end(),
                                 [&](const TopologyKnob& k) { return k.path == path; });
    if (it == kind.knobs.end())
      throw InputError(fmt::format(
          "{}: topology.{}: unknown key for topology {}{}{}", where, path, kind.name,
          known.empty() ? " (it has no knobs)" : fmt::format(", knobs: {}", fmt::join(known, ", ")),
          hint_text(path, known)));
    TopologyKnob shown = *it;
    shown.path = "topology." + path;
    const Json resolved = value == Json("chip") ? chip_reference(*it, chip, where, value) : value;
    config_tree::check_leaf(shown, resolved, where);
    values[path] = resolved;
  }
  for (const auto& k : kind.knobs) {
    if (values.count(k.path)) continue;
    if (k.default_value.is_null())
      throw InputError(fmt::format(
          "{}: topology.{}: topology {} has no default for this knob ({}, {}); the system file "
          "must give it, got nothing",
          t.file, k.path, kind.name, k.unit, k.description));
    values[k.path] = k.default_value;
  }
  return TopologyParams(std::move(values));
}

}  // namespace

SystemConfig load_system_config(const std::string& file) {
  if (!fs::exists(file))
    throw InputError(fmt::format("{}: (file): no such system config file", file));
  const config_tree::Tree t = config_tree::read_tree(file);
  // The shared reader sets chip-config meta keys aside; a system file has no use for them.
  for (const auto& layer : t.layers) {
    if (layer.kind)
      fail(layer.file, "kind", "a system config has no kind (its chip file has one)",
           std::string(chip_kind_name(*layer.kind)));
    if (!layer.provenance.is_null())
      fail(layer.file, "provenance",
           "a system config carries no provenance object (each topology knob's provenance is in "
           "maia-sim config --describe --system)",
           layer.provenance);
  }
  const Json& d = t.doc;
  for (auto it = d.begin(); it != d.end(); ++it)
    if (std::find(kTopKeys.begin(), kTopKeys.end(), it.key()) == kTopKeys.end())
      throw InputError(fmt::format("{}: {}: unknown key of a system config{}",
                                   source_of(t, it.key()), it.key(),
                                   hint_text(it.key(), kTopKeys)));

  SystemConfig s;
  s.file = file;
  s.name = fs::path(file).stem().string();
  if (d.contains("name")) {
    if (!d["name"].is_string()) fail(source_of(t, "name"), "name", "must be a string", d["name"]);
    s.name = d["name"].get<std::string>();
  }

  if (!d.contains("chip") || !d["chip"].is_string())
    fail(source_of(t, "chip"), "chip", "must name a chip config file (relative to the system file)",
         d.contains("chip") ? d["chip"] : Json());
  const std::string chip_from = source_of(t, "chip");
  fs::path chip_path = d["chip"].get<std::string>();
  if (chip_path.is_relative()) chip_path = fs::path(chip_from).parent_path() / chip_path;
  if (!fs::is_regular_file(chip_path))
    fail(chip_from, "chip",
         fmt::format("names a chip config file that does not exist ({})", chip_path.string()),
         d["chip"]);
  s.chip_file = chip_path.lexically_normal().string();
  s.chip = load_any_chip_config(s.chip_file);

  if (!d.contains("chips") || !d["chips"].is_number_integer() ||
      d["chips"].get<std::int64_t>() < 1 || d["chips"].get<std::int64_t>() > kMaxSystemChips)
    fail(source_of(t, "chips"), "chips",
         fmt::format("must be an integer in [1, {}]", kMaxSystemChips),
         d.contains("chips") ? d["chips"] : Json());
  s.chips = d["chips"].get<std::int64_t>();

  const std::string topo_from = source_of(t, "topology.name");
  if (!d.contains("topology") || !d["topology"].is_object() || !d["topology"].contains("name") ||
      !d["topology"]["name"].is_string())
    fail(topo_from, "topology.name",
         fmt::format("the topology must be an object naming one of {}", topology_names_text()),
         d.contains("topology") ? d["topology"] : Json());
  s.topology_name = d["topology"]["name"].get<std::string>();
  const TopologyKind& kind = find_topology_kind(s.topology_name, topo_from);
  s.topology_params = read_topology_params(t, kind, s.chip);

  if (d.contains("collective")) {
    const Json& c = d["collective"];
    if (!c.is_object()) fail(source_of(t, "collective"), "collective", "must be an object", c);
    for (auto it = c.begin(); it != c.end(); ++it) {
      const std::string where = source_of(t, "collective." + it.key());
      if (it.key() != "algorithm")
        throw InputError(fmt::format("{}: collective.{}: unknown key{}", where, it.key(),
                                     hint_text(it.key(), {"algorithm"})));
      if (!it.value().is_string())
        fail(where, "collective.algorithm", "must be a string, auto or an algorithm's name",
             it.value());
      s.algorithm = it.value().get<std::string>();
      if (s.algorithm != "auto")
        (void)find_collective_algorithm(s.algorithm, where + ": collective.algorithm");
    }
  }

  if (d.contains("transport"))
    s.transport = read_transport_config(d["transport"], source_of(t, "transport"));

  s.topology = kind.make(TopologyBuild{s.chip, s.chips, s.topology_params, file});
  return s;
}

SystemConfig with_chip(const SystemConfig& system, const AnyChipConfig& chip) {
  SystemConfig s = system;
  s.chip = chip;
  const TopologyKind& kind = find_topology_kind(s.topology_name, s.file);
  s.topology = kind.make(TopologyBuild{s.chip, s.chips, s.topology_params, s.file});
  return s;
}

SystemConfig nvlink_domain_system(const AnyChipConfig& chip, const std::string& chip_file) {
  SystemConfig s;
  s.name = chip_name(chip) + "-nvlink-domain";
  s.file = "built-in";
  s.chip_file = chip_file;
  s.chip = chip;
  s.topology_name = "switched";
  const TopologyKind& kind = find_topology_kind(s.topology_name, s.file);
  std::map<std::string, Json> values;
  for (const auto& k : kind.knobs) {
    const Json v = k.chip_value ? k.chip_value(chip) : Json();
    if (v.is_null())
      throw InputError(fmt::format(
          "{}: topology.{}: chip {} (kind {}) has no {} to build an NVLink switch domain from",
          s.file, k.path, chip_name(chip), chip_kind_name(chip_kind(chip)), k.from_chip));
    values[k.path] = v;
  }
  s.topology_params = TopologyParams(std::move(values));
  s.chips = s.topology_params.integer("max_chips");
  s.topology = kind.make(TopologyBuild{s.chip, s.chips, s.topology_params, s.file});
  return s;
}

}  // namespace maia
