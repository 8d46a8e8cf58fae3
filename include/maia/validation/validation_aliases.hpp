#pragma once
// How the names in published results map to what maia-sim ships: hardware to a chip config,
// model to a model config, engine to the serving settings it runs with. Names are matched after
// dropping notes in brackets and surrounding spaces, case-insensitively
// ("A100-80GB (SXM/PCIe not stated)" is "a100-80gb"). docs/validation.md lists these tables.
#include <optional>
#include <string>
#include <vector>

namespace maia {

struct HardwareAlias {
  std::string name;       // as published, normalised
  std::string chip_file;  // relative to the configs folder
  std::string note;       // the assumption, when the name is not exact
};

struct ModelAlias {
  std::string name;   // as published, normalised
  std::string model;  // short name in configs/models
  std::string note;
};

// A serving engine's settings as the scheduler models them (maia/serving/serving_run.hpp).
struct EngineSettings {
  std::string family;  // prefix of the published engine name, normalised ("tensorrt-llm")
  std::int64_t max_num_seqs = 256;
  std::int64_t max_batched_tokens = 8192;
  std::string note;
};

const std::vector<HardwareAlias>& hardware_aliases();
const std::vector<ModelAlias>& model_aliases();
const std::vector<EngineSettings>& engine_settings();

// `text` without bracketed notes, trimmed and lower-cased.
std::string normalised_name(const std::string& text);

std::optional<HardwareAlias> find_hardware(const std::string& published);
std::optional<ModelAlias> find_model(const std::string& published);
std::optional<EngineSettings> find_engine(const std::string& published);

}  // namespace maia
