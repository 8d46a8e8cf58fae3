#pragma once
// A config of any chip kind, as the commands that serve several kinds load it. The file's `kind`
// key picks the struct (absent: maia); Maia-only commands keep calling load_chip_config, which
// refuses other kinds by name.
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"
#include "maia/config/chip_kind.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/gpu_config.hpp"

namespace maia {

using AnyChipConfig = std::variant<ChipConfig, GpuConfig>;

ChipKind chip_kind(const AnyChipConfig& c);
const std::string& chip_name(const AnyChipConfig& c);

// Loads `file` as the kind it declares and applies `overrides` (knobs of that kind only).
AnyChipConfig load_any_chip_config(const std::string& file,
                                   const std::vector<ConfigOverride>& overrides = {});

// The config as a complete JSON document: kind, name, every knob of its kind.
nlohmann::ordered_json any_chip_config_to_json(const AnyChipConfig& c);

}  // namespace maia
