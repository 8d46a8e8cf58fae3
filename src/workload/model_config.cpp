#include "maia/workload/model_config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/json_text.hpp"
#include "maia/workload/decoder_fields.hpp"
#include "maia/workload/deepseek_config.hpp"
#include "maia/workload/gpt2_config.hpp"
#include "maia/workload/gpt_oss_config.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Families we model, with the architecture class Hugging Face names for each.
const std::map<std::string, std::string> kArchitectures = {
    {"deepseek_v3", "DeepseekV3ForCausalLM"},
    {"gpt2", "GPT2LMHeadModel"},
    {"gpt_oss", "GptOssForCausalLM"},
    {"llama", "LlamaForCausalLM"},
    {"mistral", "MistralForCausalLM"},
    {"mixtral", "MixtralForCausalLM"},
    {"qwen2", "Qwen2ForCausalLM"},
};

// Fields of models we cannot represent, checked first so the error names the real obstacle.
// The DeepSeek family reads its MLA and MoE fields itself (deepseek_config.cpp).
const std::vector<std::pair<std::string, std::string>> kUnsupportedFields = {
    {"kv_lora_rank", "multi-head latent attention (MLA) is supported for model_type deepseek_v3"},
    {"q_lora_rank", "multi-head latent attention (MLA) is supported for model_type deepseek_v3"},
    {"qk_nope_head_dim",
     "multi-head latent attention (MLA) is supported for model_type deepseek_v3"},
    {"qk_rope_head_dim",
     "multi-head latent attention (MLA) is supported for model_type deepseek_v3"},
    {"v_head_dim",
     "a value head size different from the query head size is supported for "
     "MLA (model_type deepseek_v3) only"},
    {"n_routed_experts", "DeepSeek-style MoE is supported for model_type deepseek_v3"},
    {"n_shared_experts", "shared experts are supported for model_type deepseek_v3"},
    {"shared_expert_intermediate_size", "Qwen-style shared experts are not supported"},
    {"moe_intermediate_size", "an expert width of its own is supported for model_type deepseek_v3"},
    {"first_k_dense_replace", "leading dense layers are supported for model_type deepseek_v3"},
    {"decoder_sparse_step", "interleaved dense and MoE layers are not supported"},
    {"layer_types", "per-layer attention types (mixed sliding/full attention) are not supported"},
    {"num_nextn_predict_layers",
     "multi-token prediction layers are supported for model_type "
     "deepseek_v3"},
    {"partial_rotary_factor", "partial rotary embeddings are not supported"},
};
// Fields only the DeepSeek family may carry (the rest of kUnsupportedFields stays refused).
bool deepseek_field(const std::string& f) {
  return f == "kv_lora_rank" || f == "q_lora_rank" || f == "qk_nope_head_dim" ||
         f == "qk_rope_head_dim" || f == "v_head_dim" || f == "n_routed_experts" ||
         f == "n_shared_experts" || f == "moe_intermediate_size" || f == "first_k_dense_replace" ||
         f == "num_nextn_predict_layers";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string known_types() {
  std::string out;
  for (const auto& [type, arch] : kArchitectures) out += (out.empty() ? "" : ", ") + type;
  return out;
}

// Reads an integer field that Hugging Face may also write as null (meaning "not set").
std::int64_t nullable_integer(JsonReader& r, const std::string& key, std::int64_t min) {
  if (!r.has(key)) {
    r.integer_or(key, 0, 0, 0);  // mark as known
    return 0;
  }
  if (r.node()[key].is_null()) {
    r.child(key);
    return 0;
  }
  return r.integer(key, min, INT32_MAX);
}

// Parameter counts, weight bytes and per-token sizes are 64-bit integers: a model beyond
// kMaxModelParameters (estimated in long double, which cannot overflow here) is refused.
constexpr long double kMaxModelParameters = 1LL << 46;  // ~70 trillion; the largest are ~2e12

void check_model_scale(const ModelConfig& m, const std::string& file) {
  const long double h = m.hidden_size, i = m.intermediate_size, l = m.num_layers, v = m.vocab_size,
                    e = std::max<std::int64_t>(m.num_experts, 1),
                    q = static_cast<long double>(m.num_heads) * m.head_dim,
                    kv = static_cast<long double>(m.num_kv_heads) * m.head_dim,
                    mlp = static_cast<long double>(m.mlp_up_matrices() + 1) * h *
                          std::max<std::int64_t>(i, m.expert_intermediate()),
                    p = m.position_rows();
  const long double params = (2 * v + p) * h + l * (h * (q + 2 * kv) + q * h + e * (mlp + h));
  if (params <= kMaxModelParameters) return;
  const std::string dims =
      m.model_type == "gpt2"
          ? fmt::format("n_embd {}, n_inner {}, n_layer {}, vocab_size {}, n_positions {}",
                        m.hidden_size, m.intermediate_size, m.num_layers, m.vocab_size,
                        m.max_position_embeddings)
          : fmt::format(
                "hidden_size {}, intermediate_size {}, num_hidden_layers {}, vocab_size {}, "
                "experts {}",
                m.hidden_size, m.intermediate_size, m.num_layers, m.vocab_size, m.num_experts);
  throw InputError(fmt::format(
      "{}: the model has about {:.3g} parameters; maia-sim handles models up to {:.3g} "
      "({})",
      file, static_cast<double>(params), static_cast<double>(kMaxModelParameters), dims));
}

// The Llama-family fields (llama, mistral, mixtral, qwen2): RMSNorm, SwiGLU, RoPE.
void read_llama_fields(JsonReader& r, ModelConfig& m) {
  read_decoder_dimensions(r, m);
  read_gqa_heads(r, m);

  // Qwen2 always has biases on Q, K and V; Llama-style models say so with attention_bias.
  const bool attention_bias = r.boolean_or("attention_bias", false);
  m.qkv_bias = attention_bias || m.model_type == "qwen2";
  m.o_bias = attention_bias;
  m.mlp_bias = r.boolean_or("mlp_bias", false);

  m.sliding_window = nullable_integer(r, "sliding_window", 1);
  if (!r.boolean_or("use_sliding_window", m.model_type != "qwen2")) {
    m.sliding_window = 0;
  } else if (m.model_type == "qwen2" && m.sliding_window > 0) {
    r.fail("use_sliding_window", "Qwen2 sliding window on some layers only is not supported");
  }

  m.num_experts = r.integer_or("num_local_experts", 0, 0, 1 << 20);
  if (m.num_experts > 0) {
    m.experts_per_token = r.integer("num_experts_per_tok", 1, m.num_experts);
  } else {
    if (r.has("num_experts_per_tok"))
      r.fail("num_experts_per_tok", "requires num_local_experts (a Mixtral-style MoE)");
    r.integer_or("num_experts_per_tok", 0, 0, 0);
  }
  if (m.model_type == "mixtral" && m.num_experts == 0)
    r.fail("num_local_experts", "is required for model_type mixtral");
}

}  // namespace

const std::vector<std::string>& ignored_model_fields() {
  static const std::vector<std::string> fields = with_family_neutral_fields({
      "attention_dropout",
      "initializer_range",
      "rms_norm_eps",
      "rope_theta",
      "rope_scaling",
      "pretraining_tp",
      "router_aux_loss_coef",
      "router_jitter_noise",
      "output_router_logits",
      "max_window_layers",
      "use_mrope",
      "quantization_config",
      "bos_token",
      "eos_token",
      "auto_map",
  });
  return fields;
}

ModelConfig parse_model_config(const Json& doc, const std::string& file, const std::string& name) {
  JsonReader r(doc, file, "");
  const bool deepseek = doc.is_object() && doc.contains("model_type") &&
                        doc["model_type"].is_string() &&
                        doc["model_type"].get<std::string>() == "deepseek_v3";
  for (const auto& [field, reason] : kUnsupportedFields) {
    if (!r.has(field) || (deepseek && deepseek_field(field))) continue;
    if (field == "layer_types" && doc.value("model_type", Json()) == "gpt_oss") continue;
    std::string value = brief_json(doc[field]);
    if (value.size() > 60) value = value.substr(0, 57) + "...";
    throw InputError(fmt::format("{}: {}: {}, got {}", file, field, reason, value));
  }

  ModelConfig m;
  m.name = name;
  m.source = file;
  m.model_type = r.string("model_type");
  const auto arch = kArchitectures.find(m.model_type);
  if (arch == kArchitectures.end()) {
    const std::string hint = nearest_match(m.model_type, [] {
      std::vector<std::string> v;
      for (const auto& [type, a] : kArchitectures) v.push_back(type);
      return v;
    }());
    r.fail("model_type",
           fmt::format("model type is not supported (supported: {}){}", known_types(),
                       hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }
  if (r.has("architectures")) {
    const Json& archs = r.child("architectures").node();
    if (!archs.is_array()) r.fail("architectures", "must be an array of class names");
    for (std::size_t i = 0; i < archs.size(); ++i)
      if (!archs[i].is_string() || archs[i].get<std::string>() != arch->second)
        throw InputError(fmt::format("{}: architectures[{}]: must be {} for model_type {}, got {}",
                                     file, i, arch->second, m.model_type, brief_json(archs[i])));
  }

  if (m.model_type == "gpt2") {
    read_gpt2_fields(r, m);
  } else if (m.model_type == "deepseek_v3") {
    read_deepseek_fields(r, m);
  } else if (m.model_type == "gpt_oss") {
    read_gpt_oss_fields(r, m);
  } else {
    read_llama_fields(r, m);
  }

  const auto& ignored = m.model_type == "gpt2"          ? ignored_gpt2_fields()
                        : m.model_type == "deepseek_v3" ? ignored_deepseek_fields()
                        : m.model_type == "gpt_oss"     ? ignored_gpt_oss_fields()
                                                        : ignored_model_fields();
  for (const auto& f : ignored)
    if (r.has(f)) r.child(f);
  r.reject_unknown_keys();
  check_model_scale(m, file);
  return m;
}

std::vector<std::string> list_models(const std::string& models_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(models_dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json")
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

ModelConfig load_model(const std::string& name_or_path, const std::string& models_dir) {
  std::error_code ec;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                               name_or_path.ends_with(".json") ||
                               fs::is_regular_file(name_or_path, ec);
  std::string file;
  if (looks_like_path) {
    file = name_or_path;
  } else {
    const std::vector<std::string> known = list_models(models_dir);
    for (const auto& n : known)
      if (lower(n) == lower(name_or_path)) file = (fs::path(models_dir) / (n + ".json")).string();
    if (file.empty()) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      const std::string hint = nearest_match(lower(name_or_path), known);
      throw InputError(fmt::format("unknown model '{}' (models in {}: {}){}",
                                   brief_plain(name_or_path), models_dir,
                                   list.empty() ? "none" : list,
                                   hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    }
  }
  const Json doc = JsonReader::parse_file(file);
  return parse_model_config(doc, file, fs::path(file).stem().string());
}

}  // namespace maia
