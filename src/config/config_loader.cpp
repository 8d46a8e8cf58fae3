#include "maia/config/config_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/json_text.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Keys that describe a config file rather than configure the chip.
const std::set<std::string> kMetaKeys = {"extends", "description", "$schema"};

std::string value_text(const Json& v) { return brief_json(v); }

[[noreturn]] void fail(const std::string& where, const std::string& path, const std::string& rule,
                       const Json& value) {
  throw InputError(fmt::format("{}: {}: {}, got {}", where, path, rule, value_text(value)));
}

// Leaf values with the source (file or --set) each came from.
using Sources = std::map<std::string, std::string>;

void merge_into(Json& base, const Json& over, const std::string& prefix, const std::string& source,
                Sources& sources) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.value().is_object()) {
      if (!base.contains(it.key()) || !base[it.key()].is_object()) base[it.key()] = Json::object();
      merge_into(base[it.key()], it.value(), path, source, sources);
      if (it.value().empty()) sources[path] = source;
    } else {
      base[it.key()] = it.value();
      sources[path] = source;
    }
  }
}

Json load_with_extends(const std::string& file, std::vector<std::string>& chain, Sources& sources) {
  const std::string canon = fs::weakly_canonical(fs::path(file)).string();
  if (std::find(chain.begin(), chain.end(), canon) != chain.end())
    throw InputError(
        fmt::format("{}: extends: cycle of extended files, got \"{}\" again", file, file));
  chain.push_back(canon);
  Json doc = JsonReader::parse_file(file);
  if (!doc.is_object()) fail(file, "(top level)", "must be a JSON object", doc);
  Json merged = Json::object();
  if (doc.contains("extends")) {
    const Json& ext = doc["extends"];
    if (!ext.is_string()) fail(file, "extends", "must be a file path string", ext);
    fs::path base = fs::path(ext.get<std::string>());
    if (base.is_relative()) base = fs::path(file).parent_path() / base;
    merged = load_with_extends(base.string(), chain, sources);
  }
  Json own = doc;
  for (const auto& k : kMetaKeys) own.erase(k);
  merge_into(merged, own, "", file, sources);
  chain.pop_back();
  return merged;
}

std::vector<std::string> all_paths() {
  std::vector<std::string> out;
  out.push_back("name");
  for (const auto& k : chip_knobs()) out.push_back(k.path);
  return out;
}

void check_leaf(const Knob& k, const Json& v, const std::string& where) {
  auto in_range = [&](double x) { return x >= k.min && x <= k.max; };
  auto range_rule = [&]() {
    if (k.min == k.max) return fmt::format("must be {:g}", k.min);
    return fmt::format("must be in [{:g}, {:g}] {}", k.min, k.max, k.unit);
  };
  switch (k.type) {
    case KnobType::kInt: {
      if (!v.is_number_integer()) fail(where, k.path, "must be an integer", v);
      const double x = static_cast<double>(v.get<std::int64_t>());
      if (x < k.min) fail(where, k.path, fmt::format("must be >= {:g}", k.min), v);
      if (x > k.max) fail(where, k.path, fmt::format("must be <= {:g}", k.max), v);
      break;
    }
    case KnobType::kDouble: {
      if (!v.is_number()) fail(where, k.path, "must be a number", v);
      const double x = v.get<double>();
      if (!std::isfinite(x) || !in_range(x)) fail(where, k.path, range_rule(), v);
      break;
    }
    case KnobType::kString: {
      if (!v.is_string()) fail(where, k.path, "must be a string", v);
      if (!k.choices.empty() &&
          std::find(k.choices.begin(), k.choices.end(), v.get<std::string>()) == k.choices.end())
        fail(where, k.path, "must be " + knob_range_text(k), v);
      break;
    }
    case KnobType::kIntList: {
      if (!v.is_array()) fail(where, k.path, "must be an array of integers", v);
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = fmt::format("{}[{}]", k.path, i);
        if (!v[i].is_number_integer()) fail(where, p, "must be an integer", v[i]);
        const double x = static_cast<double>(v[i].get<std::int64_t>());
        if (!in_range(x)) fail(where, p, range_rule(), v[i]);
      }
      break;
    }
  }
}

void apply_tree(const Json& node, const std::string& prefix, const Sources& sources,
                ChipConfig& cfg) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    const auto src = sources.find(path);
    const std::string where = src != sources.end() ? src->second : "config";
    if (path == "name") {
      if (!it.value().is_string()) fail(where, path, "must be a string", it.value());
      cfg.name = it.value().get<std::string>();
      continue;
    }
    if (const Knob* k = find_knob(path)) {
      check_leaf(*k, it.value(), where);
      k->set(cfg, it.value());
      continue;
    }
    // Not a knob: either a group (object) whose members are knobs, or an unknown key.
    const bool is_group = std::any_of(chip_knobs().begin(), chip_knobs().end(), [&](const Knob& k) {
      return k.path.rfind(path + ".", 0) == 0;
    });
    if (is_group && it.value().is_object()) {
      apply_tree(it.value(), path, sources, cfg);
      continue;
    }
    std::string where_obj = where;
    if (it.value().is_object()) {
      // An unknown group: report its first leaf's source.
      for (const auto& [p, s] : sources)
        if (p.rfind(path + ".", 0) == 0) {
          where_obj = s;
          break;
        }
    }
    if (is_group) fail(where_obj, path, "is a group of knobs and must be an object", it.value());
    // For an unknown group, match one of its leaves against the knob paths and suggest the
    // matching knob's group at the same depth ("hmb" with leaf "stacks" -> "hbm").
    std::string probe = path;
    for (const nlohmann::json* n = &it.value(); n->is_object() && !n->empty();
         n = &n->begin().value())
      probe += "." + n->begin().key();
    std::string hint = nearest_match(probe, all_paths());
    if (!hint.empty() && probe != path) {
      const auto depth = std::count(path.begin(), path.end(), '.') + 1;
      std::size_t cut = 0;
      for (long d = 0; d < depth && cut != std::string::npos; ++d)
        cut = hint.find('.', cut ? cut + 1 : 0);
      hint = hint.substr(0, cut);
    }
    throw InputError(fmt::format("{}: {}: unknown key{}", where_obj, path,
                                 hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }
}

void set_path(Json& root, const std::string& dotted, const Json& value) {
  Json* node = &root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    const std::string key = dotted.substr(start, dot - start);
    if (dot == std::string::npos) {
      (*node)[key] = value;
      break;
    }
    if (!node->contains(key) || !(*node)[key].is_object()) (*node)[key] = Json::object();
    node = &(*node)[key];
    start = dot + 1;
  }
}

}  // namespace

ConfigOverride parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError(
        fmt::format("--set {}: must have the form knob.path=value, got \"{}\"", text, text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

ChipConfig load_chip_config(const std::string& file, const std::vector<ConfigOverride>& overrides) {
  Sources sources;
  Json tree = Json::object();
  if (!file.empty()) {
    std::vector<std::string> chain;
    tree = load_with_extends(file, chain, sources);
  }
  for (const auto& o : overrides) {
    const std::string where = fmt::format("--set {}={}", brief_plain(o.path), brief_plain(o.value));
    const Knob* knob = find_knob(o.path);
    if (!knob && o.path != "name") {
      const std::string hint = nearest_match(o.path, all_paths());
      throw InputError(fmt::format("{}: {}: unknown key{}", where, o.path,
                                   hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    // A string knob takes the text as it is (or a quoted JSON string), and so does any bare
    // word (for other knobs the type check then says "must be an integer, got \"six\"");
    // anything else is JSON, and malformed JSON ("[1,2", "1e400") is an error, never a string.
    const bool string_knob = !knob || knob->type == KnobType::kString;
    const bool bare_word = !o.value.empty() &&
                           std::isalpha(static_cast<unsigned char>(o.value[0])) &&
                           o.value != "true" && o.value != "false" && o.value != "null";
    const Json v = (string_knob && (o.value.empty() || o.value[0] != '"')) || bare_word
                       ? Json(o.value)
                       : parse_json_text<Json>(o.value, where);
    try {
      (void)v.dump();  // JSON text must be UTF-8; a bare word from the command line may not be
    } catch (const Json::type_error&) {
      throw InputError(fmt::format("{}: the value is not valid UTF-8 text", where));
    }
    set_path(tree, o.path, v);
    sources[o.path] = where;
  }
  ChipConfig cfg;
  apply_tree(tree, "", sources, cfg);
  validate_chip_config(cfg, file.empty() ? "config" : file);
  return cfg;
}

void validate_chip_config(const ChipConfig& c, const std::string& where) {
  auto rule = [&](bool ok, const std::string& path, const std::string& text, const Json& value) {
    if (!ok) fail(where, path, text, value);
  };
  rule(c.enabled_tiles_per_cluster <= c.tiles_per_cluster, "enabled_tiles_per_cluster",
       fmt::format("must be <= tiles_per_cluster ({})", c.tiles_per_cluster),
       c.enabled_tiles_per_cluster);
  // Whole-chip limits: each knob may be in range while their product is a chip the simulator
  // cannot build (SystemC processes, bank state and semaphores grow with it). Refused here, so
  // `config --check` and every simulating command agree.
  const std::int64_t tiles = c.clusters * c.tiles_per_cluster;
  rule(tiles <= kMaxTiles, "tiles_per_cluster",
       fmt::format("clusters ({}) x tiles_per_cluster must be <= {} tiles (the simulator's limit)",
                   c.clusters, kMaxTiles),
       c.tiles_per_cluster);
  const std::int64_t semaphores = tiles * c.tile.semaphores + c.clusters * c.cluster.semaphores;
  rule(
      semaphores <= kMaxSemaphores, "tile.semaphores",
      fmt::format("tiles ({}) x tile.semaphores + clusters x cluster.semaphores ({}) must be <= {} "
                  "(the simulator's limit)",
                  tiles, c.cluster.semaphores, kMaxSemaphores),
      c.tile.semaphores);
  const auto& h = c.hbm;
  const std::int64_t pcs = h.stacks * h.channels_per_stack * h.pseudo_channels;
  rule(pcs <= kMaxPseudoChannels, "hbm.pseudo_channels",
       fmt::format("stacks ({}) x channels_per_stack ({}) x pseudo_channels must be <= {} "
                   "pseudo-channels (the simulator's limit)",
                   h.stacks, h.channels_per_stack, kMaxPseudoChannels),
       h.pseudo_channels);
  const std::int64_t banks = pcs * h.sids * h.bank_groups * h.banks_per_group;
  rule(banks <= kMaxBanks, "hbm.banks_per_group",
       fmt::format("pseudo-channels ({}) x sids ({}) x bank_groups ({}) x banks_per_group must be "
                   "<= {} banks (the simulator's limit)",
                   pcs, h.sids, h.bank_groups, kMaxBanks),
       h.banks_per_group);
  const long double capacity = static_cast<long double>(banks) * h.rows_per_bank * h.row_bytes;
  rule(capacity <= kMaxHbmBytes, "hbm.rows_per_bank",
       fmt::format("banks ({}) x rows_per_bank x row_bytes ({}) must be <= {} bytes of HBM (the "
                   "simulator's limit)",
                   banks, h.row_bytes, kMaxHbmBytes),
       h.rows_per_bank);
  rule(h.row_bytes % h.burst_bytes == 0, "hbm.row_bytes",
       fmt::format("must be a multiple of hbm.burst_bytes ({})", h.burst_bytes), h.row_bytes);
  rule(h.interleave_bytes % h.burst_bytes == 0 && h.row_bytes % h.interleave_bytes == 0,
       "hbm.interleave_bytes",
       fmt::format("must be a multiple of hbm.burst_bytes ({}) dividing hbm.row_bytes ({})",
                   h.burst_bytes, h.row_bytes),
       h.interleave_bytes);
  {
    static const std::vector<std::string> fields = {
        "stack", "channel", "pseudo_channel", "sid", "bank_group", "bank", "column", "row"};
    std::vector<std::string> got;
    std::stringstream ss(h.address_mapping);
    for (std::string f; std::getline(ss, f, ',');) got.push_back(f);
    auto sorted = got;
    std::sort(sorted.begin(), sorted.end());
    auto want = fields;
    std::sort(want.begin(), want.end());
    rule(sorted == want, "hbm.address_mapping",
         "must list each of stack,channel,pseudo_channel,sid,bank_group,bank,column,row once",
         h.address_mapping);
  }
  const auto& t = h.timing;
  rule(t.tRC >= t.tRAS, "hbm.timing.tRC", fmt::format("must be >= hbm.timing.tRAS ({})", t.tRAS),
       t.tRC);
  rule(t.tREFI > t.tRFC, "hbm.timing.tREFI", fmt::format("must be > hbm.timing.tRFC ({})", t.tRFC),
       t.tREFI);
  const auto& g = c.gnoc;
  const std::int64_t routers = g.mesh_cols * g.mesh_rows;
  rule(static_cast<std::int64_t>(g.cluster_routers.size()) == c.clusters, "gnoc.cluster_routers",
       fmt::format("must have one entry per cluster ({})", c.clusters), g.cluster_routers);
  rule(static_cast<std::int64_t>(g.hbm_routers.size()) == h.stacks, "gnoc.hbm_routers",
       fmt::format("must have one entry per HBM stack ({})", h.stacks), g.hbm_routers);
  auto check_router = [&](const std::string& path, std::int64_t r) {
    rule(r < routers, path,
         fmt::format("must be a router id < mesh_cols * mesh_rows ({})", routers), r);
  };
  for (std::size_t i = 0; i < g.cluster_routers.size(); ++i)
    check_router(fmt::format("gnoc.cluster_routers[{}]", i), g.cluster_routers[i]);
  for (std::size_t i = 0; i < g.hbm_routers.size(); ++i)
    check_router(fmt::format("gnoc.hbm_routers[{}]", i), g.hbm_routers[i]);
  check_router("gnoc.pcie_router", g.pcie_router);
  check_router("gnoc.nic_router", g.nic_router);
  std::int64_t tray = 0;
  for (auto n : c.nic.tray_links) tray += n;
  rule(tray + c.nic.scaleout_ports <= c.nic.ports, "nic.tray_links",
       fmt::format("tray links + nic.scaleout_ports ({}) must be <= nic.ports ({})",
                   c.nic.scaleout_ports, c.nic.ports),
       c.nic.tray_links);
}

nlohmann::ordered_json chip_config_to_json(const ChipConfig& c) {
  nlohmann::ordered_json out;
  out["name"] = c.name;
  for (const auto& k : chip_knobs()) {
    nlohmann::ordered_json* node = &out;
    std::size_t start = 0;
    while (true) {
      const std::size_t dot = k.path.find('.', start);
      const std::string key = k.path.substr(start, dot - start);
      if (dot == std::string::npos) {
        (*node)[key] = k.get(c);
        break;
      }
      node = &(*node)[key];
      start = dot + 1;
    }
  }
  return out;
}

}  // namespace maia
