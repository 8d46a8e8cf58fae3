#pragma once
// The loader engine shared by every config with a knob table (chip kinds, systems): a config file
// read into one JSON tree (with `extends` resolved and the meta keys kept apart per file), `--set`
// overrides merged in, and the tree applied to a kind's knob table (leaf checks, unknown keys with
// did-you-mean, knobs of another kind named as such), plus the per-file `provenance` objects. Each
// kind's loader (config_loader.cpp, gpu_config_loader.cpp) is a few calls into this.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/chip_kind.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/config_provenance.hpp"
#include "maia/config/knob.hpp"

namespace maia::config_tree {

using Json = nlohmann::json;
// Leaf path -> the file or --set it came from.
using Sources = std::map<std::string, std::string>;

// One file of an `extends` chain.
struct FileLayer {
  std::string file;
  std::optional<ChipKind> kind;  // its own `kind` key
  std::set<std::string> leaves;  // paths of the values it sets itself
  Json provenance = Json();      // its own `provenance` object (null: none)
};

struct Tree {
  std::string file;  // the file asked for ("" : none, built-in defaults)
  Json doc = Json::object();
  Sources sources;
  std::vector<FileLayer> layers;        // base first
  std::vector<std::string> overridden;  // paths given by --set, in order
};

// A kind's knob table seen through its descriptions.
struct KnobIndex {
  ChipKind kind;
  std::vector<const KnobInfo*> knobs;

  const KnobInfo* find(const std::string& path) const;
  bool is_group(const std::string& path) const;  // some knob path starts with path + "."
  std::vector<std::string> paths() const;        // with "name"
};

template <typename C>
KnobIndex index_of(ChipKind kind, const std::vector<KnobOf<C>>& table) {
  KnobIndex ix{kind, {}};
  for (const auto& k : table) ix.knobs.push_back(&k);
  return ix;
}

[[noreturn]] void fail(const std::string& where, const std::string& path, const std::string& rule,
                       const Json& value);

// Checks one value against its knob's type and range.
void check_leaf(const KnobInfo& k, const Json& v, const std::string& where);
// Reads `file` and the files it extends; "" gives an empty tree.
Tree read_tree(const std::string& file);
// The kind the chain declares (absent everywhere: maia).
ChipKind tree_kind(const Tree& t);
// "<where>: <path>: a knob of kind X, not of kind Y" when `path` (or a group it starts) belongs
// to another kind's table; otherwise returns normally.
void refuse_other_kind(const std::string& where, const std::string& path, ChipKind kind);
// Merges --set overrides into the tree; InputError for unknown knobs and other kinds' knobs.
void apply_overrides(Tree& t, const std::vector<ConfigOverride>& overrides, const KnobIndex& ix);
// Checks every leaf of the tree against the index and hands each valid one to `set_leaf`
// (`name` included, with a null knob).
void walk(const Tree& t, const KnobIndex& ix,
          const std::function<void(const KnobInfo*, const Json&)>& set_leaf);
// InputError listing the knobs the resolved tree does not give (kinds without defaults).
void require_every_knob(const Tree& t, const KnobIndex& ix);
// Checks each file's `provenance` object (entries name knobs, tags valid); with `required`, every
// value a file sets needs an entry in that file.
void check_provenance(const Tree& t, const KnobIndex& ix, bool required);
// Per knob: the tag and note of the file entry that covers its value, a --set, or the table.
std::vector<KnobProvenance> resolve_provenance(const Tree& t, const KnobIndex& ix);

// Applies the tree to a typed config of the index's table.
template <typename C>
void apply(const Tree& t, const KnobIndex& ix, C& cfg) {
  walk(t, ix, [&](const KnobInfo* k, const Json& v) {
    if (!k)
      cfg.name = v.get<std::string>();
    else
      static_cast<const KnobOf<C>*>(k)->set(cfg, v);
  });
}

// The config as a complete JSON document: name, then every knob of `table`.
template <typename C>
nlohmann::ordered_json to_json(const C& c, const std::vector<KnobOf<C>>& table) {
  nlohmann::ordered_json out;
  out["name"] = c.name;
  for (const auto& k : table) {
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

}  // namespace maia::config_tree
