#pragma once
// Cross-knob rules of a gpu config, beyond each knob's own range: the HBM rules Maia has too,
// efficiencies in (0, 1], GEMM tile candidates positive multiples of 16.
#include <string>

#include "maia/config/gpu_config.hpp"

namespace maia {

// InputError "<where>: <knob path>: <rule>, got <value>" on the first rule broken.
void validate_gpu_config(const GpuConfig& c, const std::string& where);

}  // namespace maia
