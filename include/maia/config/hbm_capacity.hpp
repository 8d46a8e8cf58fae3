#pragma once
// The one place HBM capacity is computed from the geometry knobs: every device address the
// address map can form, stacks x channels x pseudo-channels x SIDs x bank groups x banks x rows x
// row bytes. Everything that needs the capacity (address map, capacity checks, program loader,
// sweep figures, reports) asks here or through the chip's backend.
#include <cstdint>

#include "maia/config/chip_config.hpp"

namespace maia {

// Bytes of HBM the geometry addresses; InputError when a knob is not positive or the product
// exceeds 64 bits.
std::uint64_t hbm_capacity_bytes(const HbmConfig& hbm);

}  // namespace maia
