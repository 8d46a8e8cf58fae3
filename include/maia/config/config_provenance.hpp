#pragma once
// Where each value of a loaded config comes from. A config file may carry a meta object
// "provenance": {"<knob path>": "<TAG>: <source note>"} (TAG one of O, O2, I, S, A, C); a gpu
// config must give an entry for every value the file itself sets (entries of the files it
// extends cover the values it inherits). Maia values without an entry fall back to the Maia
// knob table's source and note.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/config/config_loader.hpp"
#include "maia/config/provenance.hpp"

namespace maia {

struct KnobProvenance {
  std::string path;
  Provenance tag = Provenance::kAssumption;
  std::string note;
  std::string source;  // the file whose entry it is, the --set, or "knob table"
};

// Loads `file` (any kind, with `overrides`) and returns every knob of its kind, in table order,
// with the provenance of its value. A value given by --set is tagged A, noted as such.
std::vector<KnobProvenance> load_config_provenance(
    const std::string& file, const std::vector<ConfigOverride>& overrides = {});

// The entries as a config file's "provenance" object.
nlohmann::ordered_json provenance_to_json(const std::vector<KnobProvenance>& entries);

}  // namespace maia
