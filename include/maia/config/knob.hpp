#pragma once
// A knob is one configurable field of a chip config, self-described (SST-style) so that the tool
// can list every knob, validate input against it and generate docs/config.md from the same table.
// The description (KnobInfo) is the same for every chip kind; KnobOf<Config> binds it to a field
// of one kind's config struct. `Knob` is the Maia 200 (ChipConfig) knob; GpuKnob is in
// gpu_knobs.hpp.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"
#include "maia/config/provenance.hpp"

namespace maia {

enum class KnobType { kInt, kDouble, kString, kIntList };

// What a knob is, independent of the struct it lives in.
struct KnobInfo {
  std::string path;
  KnobType type = KnobType::kInt;
  std::string unit;
  double min = 0;  // inclusive; for kIntList applies to every element
  double max = 0;
  std::vector<std::string> choices;  // kString: allowed values (empty: custom check)
  Provenance source = Provenance::kAssumption;
  std::string description;
  std::string source_note;  // why this value (shown in docs/config.md)
};

// A knob bound to a field of `Config`.
template <typename Config>
struct KnobOf : KnobInfo {
  std::function<nlohmann::json(const Config&)> get;
  std::function<void(Config&, const nlohmann::json&)> set;
};

using Knob = KnobOf<ChipConfig>;

const std::vector<Knob>& chip_knobs();
const Knob* find_knob(const std::string& path);
std::string_view knob_type_name(KnobType t);
// Human-readable valid range of a knob ("1 .. 64", "one of: a, b").
std::string knob_range_text(const KnobInfo& k);

}  // namespace maia
