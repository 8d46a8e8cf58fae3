#pragma once
// Each chip kind's loader over the shared engine (maia/config/config_tree.hpp): overrides, leaf
// checks, completeness and provenance rules of the kind, cross-knob validation. The tree is read
// and its kind decided by the caller (load_chip_config, load_any_chip_config,
// load_config_provenance).
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/config/config_tree.hpp"
#include "maia/config/gpu_config.hpp"

namespace maia {

config_tree::KnobIndex maia_knob_index();
config_tree::KnobIndex gpu_knob_index();
ChipConfig maia_from_tree(config_tree::Tree& tree, const std::vector<ConfigOverride>& overrides);
GpuConfig gpu_from_tree(config_tree::Tree& tree, const std::vector<ConfigOverride>& overrides);

}  // namespace maia
