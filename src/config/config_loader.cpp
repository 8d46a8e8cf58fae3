#include "maia/config/config_loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Keys that describe a config file rather than configure the chip.
const std::set<std::string> kMetaKeys = {"extends", "description", "$schema"};

std::string value_text(const Json& v) { return v.dump(); }

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

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
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

std::string nearest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    // Compare against the full path and against its last component, so that a misspelt leaf
    // in the right group and a right leaf in the wrong group are both found.
    std::size_t d = edit_distance(word, c);
    const auto dot = word.rfind('.');
    const auto cdot = c.rfind('.');
    if (dot != std::string::npos || cdot != std::string::npos) {
      const std::string wl = dot == std::string::npos ? word : word.substr(dot + 1);
      const std::string cl = cdot == std::string::npos ? c : c.substr(cdot + 1);
      if (wl == cl) d = std::min<std::size_t>(d, 1);
    }
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(3, word.size() / 3);
  return best_d <= limit ? best : "";
}

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
    Json v;
    try {
      v = Json::parse(o.value);
    } catch (const Json::parse_error&) {
      v = o.value;                           // bare word: a string value
    } catch (const Json::out_of_range& e) {  // a number beyond double, e.g. 1e999
      throw InputError(fmt::format("--set {}: {}", o.path, e.what()));
    }
    try {
      (void)v.dump();  // JSON text must be UTF-8; a bare word from the command line may not be
    } catch (const Json::type_error&) {
      throw InputError(fmt::format("--set {}: the value is not valid UTF-8 text", o.path));
    }
    const std::string where = fmt::format("--set {}={}", o.path, o.value);
    if (!find_knob(o.path) && o.path != "name") {
      const std::string hint = nearest_match(o.path, all_paths());
      throw InputError(fmt::format("{}: {}: unknown key{}", where, o.path,
                                   hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
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
  const auto& h = c.hbm;
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
