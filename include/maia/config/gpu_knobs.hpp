#pragma once
// The knob table of the gpu chip kind: every field of GpuConfig (HBM and PCIe fields under
// "hbm." and "pcie.", defined once for both kinds) with unit, valid range, typical source and
// meaning. A GPU config file gives every one of these knobs and, per value, its own provenance.
#include <string>
#include <vector>

#include "maia/config/gpu_config.hpp"
#include "maia/config/knob.hpp"

namespace maia {

using GpuKnob = KnobOf<GpuConfig>;

const std::vector<GpuKnob>& gpu_knobs();
// The knob at `path`; nullptr when there is none.
const GpuKnob* find_gpu_knob(const std::string& path);

}  // namespace maia
