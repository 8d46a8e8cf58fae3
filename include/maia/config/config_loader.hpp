#pragma once
// Loads a chip configuration: JSON file(s) with optional `extends`, then `--set` overrides, then
// validation of every leaf against the knob table and of the cross-knob rules. Any problem is an
// InputError naming the file (or the --set), the JSON path, the rule and the value.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"

namespace maia {

struct ConfigOverride {
  std::string path;   // dotted knob path
  std::string value;  // JSON text, or a bare string
};

// Parses "a.b=value" as given to --set; throws InputError on a malformed override.
ConfigOverride parse_override(const std::string& text);

// Loads `file` (empty: built-in defaults only) and applies `overrides` in order.
ChipConfig load_chip_config(const std::string& file,
                            const std::vector<ConfigOverride>& overrides = {});

// Validates the cross-knob rules of an already typed config (also called by load_chip_config).
void validate_chip_config(const ChipConfig& c, const std::string& where);

// The config as a complete JSON document (every knob), e.g. to record what a run used.
nlohmann::ordered_json chip_config_to_json(const ChipConfig& c);

// Closest string to `word` among `candidates` by edit distance ("" when none is close).
std::string nearest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace maia
