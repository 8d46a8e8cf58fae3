#include "maia/validation/validation_aliases.hpp"

#include <cctype>

namespace maia {

const std::vector<HardwareAlias>& hardware_aliases() {
  static const std::vector<HardwareAlias> kTable = {
      {"h100-sxm-80gb", "gpus/h100-sxm.json", ""},
      {"h100-sxm", "gpus/h100-sxm.json", ""},
      {"h100-80gb", "gpus/h100-sxm.json", "form factor not stated: taken as SXM"},
      {"h200-sxm-141gb", "gpus/h200-sxm.json", ""},
      {"h200-sxm", "gpus/h200-sxm.json", ""},
      {"b200", "gpus/b200.json", ""},
      {"mi300x", "gpus/mi300x.json", ""},
      {"a100-sxm4-80gb", "gpus/a100-sxm4-80gb.json", ""},
      {"a100-80gb", "gpus/a100-sxm4-80gb.json",
       "form factor not stated: taken as SXM4 (a PCIe card or a power limit runs slower)"},
      {"maia200", "maia200.json", ""},
      {"maia 200", "maia200.json", ""},
  };
  return kTable;
}

const std::vector<ModelAlias>& model_aliases() {
  // Fine-tunes and instruction-tuned variants share their base model's architecture.
  static const std::vector<ModelAlias> kTable = {
      {"llama-3.1-8b", "llama-3.1-8b", ""},
      {"llama-3.1-8b-instruct", "llama-3.1-8b", "instruction-tuned: same architecture"},
      {"llama-3.1-70b", "llama-3.1-70b", ""},
      {"llama-3.1-70b-instruct", "llama-3.1-70b", "instruction-tuned: same architecture"},
      {"llama-3.1-70b-instruct-fp8", "llama-3.1-70b", "FP8 checkpoint: same architecture"},
      {"llama-3.3-70b-instruct", "llama-3.1-70b", "Llama 3.3 70B has Llama 3.1 70B's shape"},
      {"llama-3.1-405b", "llama-3.1-405b", ""},
      {"llama-3.1-405b-instruct", "llama-3.1-405b", "instruction-tuned: same architecture"},
      {"hermes-3-llama-3.1-405b-fp8", "llama-3.1-405b", "a Llama 3.1 405B fine-tune"},
      {"mixtral-8x7b", "mixtral-8x7b", ""},
      {"mixtral-8x7b-v0.1", "mixtral-8x7b", ""},
      {"qwen2.5-7b", "qwen2.5-7b", ""},
      {"gpt-3-175b", "gpt3-175b", ""},
  };
  return kTable;
}

const std::vector<EngineSettings>& engine_settings() {
  // Batch limits of each engine's benchmark set-up as the sources describe it; anything the
  // sources do not state is an assumption kept here, in one place, for calibration to revisit.
  static const std::vector<EngineSettings> kTable = {
      {"tensorrt-llm", 2048, 8192,
       "trtllm-bench tunes max batch size up to 2048 for offline runs (assumed for all TRT-LLM "
       "rows)"},
      {"vllm", 256, 8192, "vLLM's default max_num_seqs"},
      {"sglang", 256, 8192, "assumed equal to vLLM's defaults"},
  };
  return kTable;
}

std::string normalised_name(const std::string& text) {
  std::string out;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (depth == 0) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == ')' && depth > 0) --depth;
  }
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

namespace {

template <typename T>
std::optional<T> find_in(const std::vector<T>& table, const std::string& published) {
  const std::string key = normalised_name(published);
  for (const auto& e : table)
    if (e.name == key) return e;
  return std::nullopt;
}

}  // namespace

std::optional<HardwareAlias> find_hardware(const std::string& published) {
  return find_in(hardware_aliases(), published);
}

std::optional<ModelAlias> find_model(const std::string& published) {
  return find_in(model_aliases(), published);
}

std::optional<EngineSettings> find_engine(const std::string& published) {
  const std::string key = normalised_name(published);
  for (const auto& e : engine_settings())
    if (key.rfind(e.family, 0) == 0) return e;
  return std::nullopt;
}

}  // namespace maia
