#pragma once
// Cross-knob rules of the HBM subsystem, the same for every chip kind that has one: the
// simulator's geometry limits, burst/row/interleave divisibility, the address mapping is a
// permutation of the HBM fields, timing orderings.
#include <string>

#include "maia/config/chip_config.hpp"

namespace maia {

// InputError "<where>: hbm.<knob>: <rule>, got <value>" on the first rule broken.
void validate_hbm_config(const HbmConfig& h, const std::string& where);

}  // namespace maia
