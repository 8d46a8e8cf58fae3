#pragma once
// A knob is one configurable field of ChipConfig, self-described (SST-style) so that the tool can
// list every knob, validate input against it and generate docs/config.md from the same table.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"

namespace maia {

enum class KnobType { kInt, kDouble, kString, kIntList };

// Where a Maia 200 value comes from (../shared/spec/maia200.md tags).
enum class Provenance {
  kOfficial,    // O: Microsoft blog / architecture deep dive
  kSecondHand,  // O2: official, via second-hand summaries of Hot Chips / arXiv
  kInferred,    // I: arithmetic on public values
  kStandard,    // S: JEDEC / PCI-SIG structure or public presets for the part
  kAssumption,  // A: nothing public; a plausible value, kept as a knob
};

struct Knob {
  std::string path;
  KnobType type;
  std::string unit;
  double min = 0;  // inclusive; for kIntList applies to every element
  double max = 0;
  std::vector<std::string> choices;  // kString: allowed values (empty: custom check)
  Provenance source;
  std::string description;
  std::string source_note;  // why this value (shown in docs/config.md)
  std::function<nlohmann::json(const ChipConfig&)> get;
  std::function<void(ChipConfig&, const nlohmann::json&)> set;
};

const std::vector<Knob>& chip_knobs();
const Knob* find_knob(const std::string& path);
std::string_view provenance_tag(Provenance p);
std::string_view knob_type_name(KnobType t);
// Human-readable valid range of a knob ("1 .. 64", "one of: a, b").
std::string knob_range_text(const Knob& k);

}  // namespace maia
