#pragma once
// Short builders for the knob tables of the topology files.
#include <string>
#include <utility>

#include "maia/system/topology_registry.hpp"

namespace maia::topology_knobs {

// An integer knob; `value` is its default.
inline TopologyKnob integer(std::string path, std::string unit, double min, double max,
                            Provenance source, std::int64_t value, std::string description,
                            std::string note) {
  TopologyKnob k;
  k.path = std::move(path);
  k.type = KnobType::kInt;
  k.unit = std::move(unit);
  k.min = min;
  k.max = max;
  k.source = source;
  k.description = std::move(description);
  k.source_note = std::move(note);
  k.default_value = value;
  return k;
}

// A real-valued knob; a null `value` means the system file must give it.
inline TopologyKnob real(std::string path, std::string unit, double min, double max,
                         Provenance source, nlohmann::json value, std::string description,
                         std::string note) {
  TopologyKnob k = integer(std::move(path), std::move(unit), min, max, source, 0,
                           std::move(description), std::move(note));
  k.type = KnobType::kDouble;
  k.default_value = std::move(value);
  return k;
}

}  // namespace maia::topology_knobs
