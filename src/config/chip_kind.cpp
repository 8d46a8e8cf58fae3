#include "maia/config/chip_kind.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"

namespace maia {

std::string_view chip_kind_name(ChipKind k) {
  switch (k) {
    case ChipKind::kMaia:
      return "maia";
    case ChipKind::kGpu:
      return "gpu";
  }
  return "?";
}

ChipKind parse_chip_kind(const std::string& text, const std::string& where) {
  for (ChipKind k : {ChipKind::kMaia, ChipKind::kGpu})
    if (text == chip_kind_name(k)) return k;
  throw InputError(fmt::format("{}: kind: must be one of {} (the known chip kinds), got {}", where,
                               chip_kind_names_text(), brief_text(text)));
}

std::string_view chip_kind_names_text() { return "maia, gpu"; }

}  // namespace maia
