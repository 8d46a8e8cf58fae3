#pragma once
// A transformer model as the simulator sees it, read from a Hugging Face config.json (Llama,
// Mistral, Mixtral and Qwen2 families, and GPT-2-style models such as GPT-3). Every field of the
// file is either used, on the documented list of fields that do not affect performance, or an
// error: a field the model cannot represent (MLA, shared experts, mixed attention layers, ...) is
// named in the error.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/core/dtype.hpp"

namespace maia {

// The layer structure that differs between families, so the parameter count, weight bytes and
// operator graph follow the architecture rather than the family name.
enum class NormKind {
  kRmsNorm,    // weight only (Llama family)
  kLayerNorm,  // weight and bias (GPT-2)
};
enum class MlpKind {
  kSwiGlu,  // gate, up (both H x I), SwiGLU, down (I x H)
  kGelu,    // up (c_fc, H x I), GELU, down (c_proj, I x H)
};
enum class PositionKind {
  kRope,     // rotary: Q and K rotated in every layer, no parameters
  kLearned,  // a max_position_embeddings x H table added to the token embedding once
};

struct ModelConfig {
  std::string name;        // short name: the file name without .json
  std::string source;      // the file it was read from
  std::string model_type;  // llama, mistral, mixtral, qwen2, gpt2
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;  // per expert for MoE models
  std::int64_t num_layers = 0;
  std::int64_t num_heads = 0;
  std::int64_t num_kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t vocab_size = 0;
  std::int64_t max_position_embeddings = 0;
  std::int64_t num_experts = 0;        // 0: dense SwiGLU MLP
  std::int64_t experts_per_token = 0;  // top-k of the router
  std::int64_t sliding_window = 0;     // 0: full causal attention
  // Per-layer attention window (gpt-oss layer_types: sliding_window for a sliding layer, 0 for a
  // full one); empty: every layer uses sliding_window. Windowed layers keep only their window of
  // KV (kv_cache_bytes) when this is set; see layer_window().
  std::vector<std::int64_t> layer_windows;
  bool attention_sinks = false;  // one learned logit per head and layer in the softmax (gpt-oss)
  bool router_bias = false;      // the MoE router has a bias (gpt-oss)
  // The experts' datatype in the checkpoint (gpt-oss quantization_config: MXFP4), the default
  // of Quantization::experts (resolve_quantization); unset: as the other weights.
  std::optional<DType> native_expert_dtype;
  bool tie_word_embeddings = false;
  bool qkv_bias = false;  // bias on the Q, K, V projections (Qwen2, attention_bias)
  bool o_bias = false;    // bias on the output projection (attention_bias)
  bool mlp_bias = false;  // bias on gate/up/down (mlp_bias)
  NormKind norm = NormKind::kRmsNorm;
  MlpKind mlp = MlpKind::kSwiGlu;
  PositionKind positions = PositionKind::kRope;
  // Tensor parallelism: the chips of a tray the model is sharded over (Megatron style, see
  // maia/workload/tensor_parallel.hpp, which sets it after checking it). Every per-chip figure
  // (the iteration graph, weight and KV-cache bytes, capacity) follows it; 1: one chip.
  std::int64_t tensor_parallel = 1;

  bool is_moe() const { return num_experts > 0; }
  // The attention window of decoder layer `layer` (0: full attention).
  std::int64_t layer_window(std::int64_t layer) const {
    return layer_windows.empty() ? sliding_window : layer_windows[static_cast<std::size_t>(layer)];
  }
  // Weight vectors of one norm (weight, and bias for LayerNorm) and H x I matrices of one MLP.
  std::int64_t norm_vectors() const { return norm == NormKind::kLayerNorm ? 2 : 1; }
  std::int64_t mlp_up_matrices() const { return mlp == MlpKind::kSwiGlu ? 2 : 1; }
  // Rows of the learned position table (0 with rotary positions).
  std::int64_t position_rows() const {
    return positions == PositionKind::kLearned ? max_position_embeddings : 0;
  }
  std::int64_t q_dim() const { return num_heads * head_dim; }
  std::int64_t kv_dim() const { return num_kv_heads * head_dim; }
  // One chip's share under tensor parallelism: attention heads, KV heads (split when they divide
  // by the degree, otherwise one replicated head per chip), MLP (or expert) intermediate columns
  // and LM-head vocabulary rows (rounded up: the last shard is padded).
  std::int64_t heads_per_chip() const { return num_heads / tensor_parallel; }
  std::int64_t kv_heads_per_chip() const {
    return num_kv_heads % tensor_parallel == 0 ? num_kv_heads / tensor_parallel : 1;
  }
  std::int64_t intermediate_per_chip() const { return intermediate_size / tensor_parallel; }
  std::int64_t vocab_per_chip() const {
    return (vocab_size + tensor_parallel - 1) / tensor_parallel;
  }
  std::int64_t q_dim_per_chip() const { return heads_per_chip() * head_dim; }
  std::int64_t kv_dim_per_chip() const { return kv_heads_per_chip() * head_dim; }
};

// Fields of the Llama family read without effect on performance (token ids, numerics, training
// options); gpt2 configs have their own list (ignored_gpt2_fields in gpt2_config.hpp). Any field
// neither used nor on its family's list is an error.
const std::vector<std::string>& ignored_model_fields();

// Parses one config.json document; `file` is used in error messages, `name` becomes the name.
ModelConfig parse_model_config(const nlohmann::json& doc, const std::string& file,
                               const std::string& name);

// Loads a model by short name (models_dir/<name>.json, case-insensitive) or by file path.
ModelConfig load_model(const std::string& name_or_path, const std::string& models_dir);

// Short names of the models in models_dir, sorted.
std::vector<std::string> list_models(const std::string& models_dir);

}  // namespace maia
