#include "maia/config/config_provenance.hpp"

#include <fmt/format.h>

#include "kind_loaders.hpp"
#include "maia/config/config_tree.hpp"

namespace maia {

std::vector<KnobProvenance> load_config_provenance(const std::string& file,
                                                   const std::vector<ConfigOverride>& overrides) {
  config_tree::Tree tree = config_tree::read_tree(file);
  // Loading first applies the overrides and every rule: provenance of a config that does not
  // load is never shown.
  if (config_tree::tree_kind(tree) == ChipKind::kGpu) {
    (void)gpu_from_tree(tree, overrides);
    return config_tree::resolve_provenance(tree, gpu_knob_index());
  }
  (void)maia_from_tree(tree, overrides);
  return config_tree::resolve_provenance(tree, maia_knob_index());
}

nlohmann::ordered_json provenance_to_json(const std::vector<KnobProvenance>& entries) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& e : entries) out[e.path] = fmt::format("{}: {}", provenance_code(e.tag), e.note);
  return out;
}

}  // namespace maia
