#include "maia/config/config_tree.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "maia/config/gpu_knobs.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/json_text.hpp"
#include "maia/core/nearest_match.hpp"

namespace maia::config_tree {
namespace {

namespace fs = std::filesystem;

// Keys that describe a config file rather than configure the chip.
const std::set<std::string> kMetaKeys = {"extends", "description", "$schema", "kind", "provenance"};

void merge_into(Json& base, const Json& over, const std::string& prefix, const std::string& source,
                Sources& sources, std::set<std::string>& leaves) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.value().is_object()) {
      if (!base.contains(it.key()) || !base[it.key()].is_object()) base[it.key()] = Json::object();
      merge_into(base[it.key()], it.value(), path, source, sources, leaves);
      if (it.value().empty()) sources[path] = source;
    } else {
      base[it.key()] = it.value();
      sources[path] = source;
      leaves.insert(path);
    }
  }
}

void read_layers(const std::string& file, std::vector<std::string>& chain, Tree& t) {
  const std::string canon = fs::weakly_canonical(fs::path(file)).string();
  if (std::find(chain.begin(), chain.end(), canon) != chain.end())
    throw InputError(
        fmt::format("{}: extends: cycle of extended files, got \"{}\" again", file, file));
  chain.push_back(canon);
  Json doc = JsonReader::parse_file(file);
  if (!doc.is_object()) fail(file, "(top level)", "must be a JSON object", doc);
  if (doc.contains("extends")) {
    const Json& ext = doc["extends"];
    if (!ext.is_string()) fail(file, "extends", "must be a file path string", ext);
    fs::path base = fs::path(ext.get<std::string>());
    if (base.is_relative()) base = fs::path(file).parent_path() / base;
    read_layers(base.string(), chain, t);
  }
  FileLayer layer{file, std::nullopt, {}, Json()};
  if (doc.contains("kind")) {
    const Json& k = doc["kind"];
    if (!k.is_string())
      fail(file, "kind", fmt::format("must be a string, one of {}", chip_kind_names_text()), k);
    layer.kind = parse_chip_kind(k.get<std::string>(), file);
    for (const auto& base : t.layers)
      if (base.kind && *base.kind != *layer.kind)
        fail(file, "kind",
             fmt::format("must match the kind of the extended file {} ({})", base.file,
                         chip_kind_name(*base.kind)),
             k);
  }
  if (doc.contains("provenance")) layer.provenance = doc["provenance"];
  Json own = doc;
  for (const auto& k : kMetaKeys) own.erase(k);
  merge_into(t.doc, own, "", file, t.sources, layer.leaves);
  t.layers.push_back(std::move(layer));
  chain.pop_back();
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

std::string did_you_mean(const std::string& path, const KnobIndex& ix) {
  const std::string hint = nearest_match(path, ix.paths());
  return hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint);
}

// The kind (other than `kind`) whose table has `path` as a knob or a group.
std::optional<ChipKind> other_kind_of(const std::string& path, ChipKind kind) {
  auto in = [&](const auto& table) {
    return std::any_of(table.begin(), table.end(), [&](const auto& k) {
      return k.path == path || k.path.rfind(path + ".", 0) == 0;
    });
  };
  if (kind != ChipKind::kMaia && in(chip_knobs())) return ChipKind::kMaia;
  if (kind != ChipKind::kGpu && in(gpu_knobs())) return ChipKind::kGpu;
  return std::nullopt;
}

void walk_node(const Json& node, const std::string& prefix, const Tree& t, const KnobIndex& ix,
               const std::function<void(const KnobInfo*, const Json&)>& set_leaf) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    const auto src = t.sources.find(path);
    const std::string where = src != t.sources.end() ? src->second : "config";
    if (path == "name") {
      if (!it.value().is_string()) fail(where, path, "must be a string", it.value());
      set_leaf(nullptr, it.value());
      continue;
    }
    if (const KnobInfo* k = ix.find(path)) {
      check_leaf(*k, it.value(), where);
      set_leaf(k, it.value());
      continue;
    }
    // Not a knob: either a group (object) whose members are knobs, or an unknown key.
    const bool is_group = ix.is_group(path);
    if (is_group && it.value().is_object()) {
      walk_node(it.value(), path, t, ix, set_leaf);
      continue;
    }
    std::string where_obj = where;
    if (it.value().is_object()) {
      // An unknown group: report its first leaf's source.
      for (const auto& [p, s] : t.sources)
        if (p.rfind(path + ".", 0) == 0) {
          where_obj = s;
          break;
        }
    }
    if (is_group) fail(where_obj, path, "is a group of knobs and must be an object", it.value());
    // For an unknown group, match one of its leaves against the knob paths and suggest the
    // matching knob's group at the same depth ("hmb" with leaf "stacks" -> "hbm").
    std::string probe = path;
    for (const Json* n = &it.value(); n->is_object() && !n->empty(); n = &n->begin().value())
      probe += "." + n->begin().key();
    refuse_other_kind(where_obj, probe, ix.kind);
    refuse_other_kind(where_obj, path, ix.kind);
    std::string hint = nearest_match(probe, ix.paths());
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

// Leaf paths of a JSON tree.
void leaf_paths(const Json& node, const std::string& prefix, std::set<std::string>& out) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.value().is_object())
      leaf_paths(it.value(), path, out);
    else
      out.insert(path);
  }
}

// "a, b, c and 4 more".
std::string first_few(const std::vector<std::string>& items, std::size_t shown = 5) {
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < shown; ++i) s += (i ? ", " : "") + items[i];
  if (items.size() > shown) s += fmt::format(" and {} more", items.size() - shown);
  return s;
}

struct Entry {
  Provenance tag;
  std::string note;
};

// Parses one provenance entry "TAG: note" of `file`.
Entry parse_entry(const std::string& file, const std::string& path, const Json& v) {
  const std::string jpath = "provenance." + path;
  const std::string rule = fmt::format("must be a string \"TAG: source note\" with TAG one of {}",
                                       provenance_codes_text());
  if (!v.is_string()) fail(file, jpath, rule, v);
  const std::string s = v.get<std::string>();
  const auto colon = s.find(':');
  if (colon == std::string::npos) fail(file, jpath, rule, v);
  const auto tag = parse_provenance_code(s.substr(0, colon));
  if (!tag) fail(file, jpath, rule, v);
  std::string note = s.substr(colon + 1);
  note.erase(0, note.find_first_not_of(' '));
  if (note.empty()) fail(file, jpath, "must give a source note after the tag", v);
  return {*tag, note};
}

}  // namespace

void check_leaf(const KnobInfo& k, const Json& v, const std::string& where) {
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

void fail(const std::string& where, const std::string& path, const std::string& rule,
          const Json& value) {
  throw InputError(fmt::format("{}: {}: {}, got {}", where, path, rule, brief_json(value)));
}

const KnobInfo* KnobIndex::find(const std::string& path) const {
  for (const KnobInfo* k : knobs)
    if (k->path == path) return k;
  return nullptr;
}

bool KnobIndex::is_group(const std::string& path) const {
  return std::any_of(knobs.begin(), knobs.end(),
                     [&](const KnobInfo* k) { return k->path.rfind(path + ".", 0) == 0; });
}

std::vector<std::string> KnobIndex::paths() const {
  std::vector<std::string> out{"name"};
  for (const KnobInfo* k : knobs) out.push_back(k->path);
  return out;
}

Tree read_tree(const std::string& file) {
  Tree t;
  t.file = file;
  if (!file.empty()) {
    std::vector<std::string> chain;
    read_layers(file, chain, t);
  }
  return t;
}

ChipKind tree_kind(const Tree& t) {
  for (auto it = t.layers.rbegin(); it != t.layers.rend(); ++it)
    if (it->kind) return *it->kind;
  return ChipKind::kMaia;
}

void refuse_other_kind(const std::string& where, const std::string& path, ChipKind kind) {
  if (const auto other = other_kind_of(path, kind))
    throw InputError(fmt::format("{}: {}: a knob of kind {}, not of kind {}", where, path,
                                 chip_kind_name(*other), chip_kind_name(kind)));
}

void apply_overrides(Tree& t, const std::vector<ConfigOverride>& overrides, const KnobIndex& ix) {
  for (const auto& o : overrides) {
    const std::string where = fmt::format("--set {}={}", brief_plain(o.path), brief_plain(o.value));
    if (kMetaKeys.count(o.path))
      throw InputError(fmt::format("{}: {}: describes the config file and cannot be set, got {}",
                                   where, o.path, brief_text(o.value)));
    const KnobInfo* knob = ix.find(o.path);
    if (!knob && o.path != "name") {
      refuse_other_kind(where, o.path, ix.kind);
      throw InputError(
          fmt::format("{}: {}: unknown key{}", where, o.path, did_you_mean(o.path, ix)));
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
    set_path(t.doc, o.path, v);
    t.sources[o.path] = where;
    t.overridden.push_back(o.path);
  }
}

void walk(const Tree& t, const KnobIndex& ix,
          const std::function<void(const KnobInfo*, const Json&)>& set_leaf) {
  walk_node(t.doc, "", t, ix, set_leaf);
}

void require_every_knob(const Tree& t, const KnobIndex& ix) {
  std::set<std::string> given;
  leaf_paths(t.doc, "", given);
  std::vector<std::string> missing;
  for (const auto& p : ix.paths())
    if (!given.count(p)) missing.push_back(p);
  if (missing.empty()) return;
  throw InputError(fmt::format(
      "{}: (top level): a config of kind {} must give every knob of its kind (there are no "
      "defaults), missing {}: {}",
      t.file.empty() ? "config" : t.file, chip_kind_name(ix.kind), missing.size(),
      first_few(missing)));
}

void check_provenance(const Tree& t, const KnobIndex& ix, bool required) {
  for (const auto& layer : t.layers) {
    const Json& p = layer.provenance;
    // The knob values this file sets that its own provenance object does not cover.
    std::vector<std::string> uncovered;
    for (const auto& leaf : layer.leaves)
      if (ix.find(leaf) && !(p.is_object() && p.contains(leaf))) uncovered.push_back(leaf);
    if (p.is_null()) {
      if (!required || uncovered.empty()) continue;
      fail(layer.file, "provenance",
           "a config of this kind needs a provenance object {\"<knob path>\": \"<TAG>: <source "
           "note>\"} covering every value the file sets",
           p);
    }
    if (!p.is_object()) fail(layer.file, "provenance", "must be an object", p);
    for (auto it = p.begin(); it != p.end(); ++it) {
      const std::string& path = it.key();
      if (!ix.find(path)) {
        if (const auto other = other_kind_of(path, ix.kind))
          throw InputError(fmt::format("{}: provenance.{}: a knob of kind {}, not of kind {}",
                                       layer.file, path, chip_kind_name(*other),
                                       chip_kind_name(ix.kind)));
        throw InputError(fmt::format("{}: provenance.{}: names no knob of kind {}{}", layer.file,
                                     path, chip_kind_name(ix.kind), did_you_mean(path, ix)));
      }
      (void)parse_entry(layer.file, path, it.value());
    }
    if (required && !uncovered.empty())
      throw InputError(fmt::format(
          "{}: provenance.{}: every value the file sets needs a provenance entry \"<TAG>: "
          "<source note>\"; {} without one: {}",
          layer.file, uncovered.front(), uncovered.size(), first_few(uncovered)));
  }
}

std::vector<KnobProvenance> resolve_provenance(const Tree& t, const KnobIndex& ix) {
  std::map<std::string, KnobProvenance> by_path;
  for (const KnobInfo* k : ix.knobs)
    by_path[k->path] = {k->path, k->source, k->source_note, "knob table"};
  for (const auto& layer : t.layers) {
    if (!layer.provenance.is_object()) continue;
    for (auto it = layer.provenance.begin(); it != layer.provenance.end(); ++it) {
      if (!by_path.count(it.key())) continue;
      const Entry e = parse_entry(layer.file, it.key(), it.value());
      by_path[it.key()] = {it.key(), e.tag, e.note, layer.file};
    }
  }
  for (const auto& path : t.overridden) {
    if (!by_path.count(path)) continue;
    const std::string& where = t.sources.at(path);
    by_path[path] = {path, Provenance::kAssumption, "set on the command line (" + where + ")",
                     where};
  }
  std::vector<KnobProvenance> out;
  for (const KnobInfo* k : ix.knobs) out.push_back(by_path.at(k->path));
  return out;
}

}  // namespace maia::config_tree
