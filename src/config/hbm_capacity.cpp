#include "maia/config/hbm_capacity.hpp"

#include <utility>

#include <fmt/format.h>

#include "maia/core/checked_math.hpp"
#include "maia/core/error.hpp"

namespace maia {

std::uint64_t hbm_capacity_bytes(const HbmConfig& h) {
  const std::pair<const char*, std::int64_t> factors[] = {
      {"stacks", h.stacks},
      {"channels_per_stack", h.channels_per_stack},
      {"pseudo_channels", h.pseudo_channels},
      {"sids", h.sids},
      {"bank_groups", h.bank_groups},
      {"banks_per_group", h.banks_per_group},
      {"rows_per_bank", h.rows_per_bank},
      {"row_bytes", h.row_bytes}};
  std::uint64_t bytes = 1;
  for (const auto& [name, v] : factors) {
    if (v <= 0) throw InputError(fmt::format("hbm.{} must be positive, got {}", name, v));
    bytes = checked_mul(bytes, static_cast<std::uint64_t>(v), "HBM capacity (hbm geometry)");
  }
  return bytes;
}

}  // namespace maia
