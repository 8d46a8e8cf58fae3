#pragma once
// The kind of chip a config describes: the top-level `kind` key of a config file. A file without
// one is a Maia config (every Maia config predates the key).
#include <string>
#include <string_view>

namespace maia {

enum class ChipKind { kMaia, kGpu };

// "maia", "gpu".
std::string_view chip_kind_name(ChipKind k);
// The kind named `text`; InputError "<where>: kind: must be one of maia, gpu, got ..." otherwise.
ChipKind parse_chip_kind(const std::string& text, const std::string& where);
// "maia, gpu".
std::string_view chip_kind_names_text();

}  // namespace maia
