// The gpu kind's loader: like Maia's, plus the two rules that keep GPU numbers honest: a gpu
// config gives every knob (no silent H100 default) and every value its file sets has a
// provenance entry.
#include "kind_loaders.hpp"
#include "maia/config/gpu_knobs.hpp"
#include "maia/config/gpu_validation.hpp"

namespace maia {

config_tree::KnobIndex gpu_knob_index() {
  return config_tree::index_of(ChipKind::kGpu, gpu_knobs());
}

GpuConfig gpu_from_tree(config_tree::Tree& tree, const std::vector<ConfigOverride>& overrides) {
  const auto ix = gpu_knob_index();
  config_tree::apply_overrides(tree, overrides, ix);
  GpuConfig cfg;
  config_tree::apply(tree, ix, cfg);
  config_tree::require_every_knob(tree, ix);
  config_tree::check_provenance(tree, ix, /*required=*/true);
  validate_gpu_config(cfg, tree.file.empty() ? "config" : tree.file);
  return cfg;
}

}  // namespace maia
