#pragma once
// Test helper shared by the HBM tests: a location in one pseudo-channel by bank and row.
#include <cstdint>

#include "maia/hw/hbm/hbm_address_map.hpp"

namespace maia {

inline HbmLocation bank_loc(std::uint32_t sid, std::uint32_t bank_group, std::uint32_t bank,
                            std::uint32_t row) {
  HbmLocation l;
  l.sid = sid;
  l.bank_group = bank_group;
  l.bank = bank;
  l.row = row;
  return l;
}

}  // namespace maia
