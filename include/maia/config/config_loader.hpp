#pragma once
// Loads a Maia chip configuration: JSON file(s) with optional `extends`, then `--set` overrides,
// then validation of every leaf against the knob table and of the cross-knob rules. Any problem is
// an InputError naming the file (or the --set), the JSON path, the rule and the value. Configs of
// other chip kinds load through any_chip_config.hpp; load_chip_config refuses them by name.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"
#include "maia/core/nearest_match.hpp"

namespace maia {

struct ConfigOverride {
  std::string path;   // dotted knob path
  std::string value;  // JSON text, or a bare string
};

// Parses "a.b=value" as given to --set; throws InputError on a malformed override.
ConfigOverride parse_override(const std::string& text);

// Loads `file` (empty: built-in defaults only) and applies `overrides` in order; InputError
// "<file>: kind: this command needs a maia chip, got \"gpu\"" for a config of another kind.
ChipConfig load_chip_config(const std::string& file,
                            const std::vector<ConfigOverride>& overrides = {});

// Whole-chip limits of the simulator (docs/limits.md): products of knobs beyond these would
// exhaust memory or never finish elaborating, whatever each knob's own range.
inline constexpr std::int64_t kMaxTiles = 1024;
inline constexpr std::int64_t kMaxSemaphores = std::int64_t{1} << 22;
inline constexpr std::int64_t kMaxPseudoChannels = 4096;
inline constexpr std::int64_t kMaxBanks = std::int64_t{1} << 18;
inline constexpr std::int64_t kMaxHbmBytes = std::int64_t{1} << 50;

// Validates the cross-knob rules of an already typed config (also called by load_chip_config).
void validate_chip_config(const ChipConfig& c, const std::string& where);

// The config as a complete JSON document (every knob), e.g. to record what a run used.
nlohmann::ordered_json chip_config_to_json(const ChipConfig& c);

}  // namespace maia
