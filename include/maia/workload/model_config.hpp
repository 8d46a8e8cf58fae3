#pragma once
// A transformer model as the simulator sees it, read from a Hugging Face config.json (Llama,
// Mistral, Mixtral and Qwen2 families, GPT-2-style models such as GPT-3, and DeepSeek-V3 with
// multi-head latent attention and shared-expert MoE). Every field of the
// file is either used, on the documented list of fields that do not affect performance, or an
// error: a field the model cannot represent (mixed attention layers, partial rotary, ...) is
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

// Multi-head latent attention (DeepSeek-V2/V3): K and V are rebuilt per head from one cached
// latent of kv_lora_rank entries plus a qk_rope_head_dim rotary key shared by all heads; Q goes
// through a q_lora_rank bottleneck (0: projected directly). kv_lora_rank 0: not MLA.
struct MlaDims {
  std::int64_t q_lora_rank = 0;
  std::int64_t kv_lora_rank = 0;
  std::int64_t qk_nope_head_dim = 0;
  std::int64_t qk_rope_head_dim = 0;
  std::int64_t v_head_dim = 0;
  std::int64_t qk_head_dim() const { return qk_nope_head_dim + qk_rope_head_dim; }
  // Cached entries per token and layer: the latent and the shared rotary key.
  std::int64_t cache_dim() const { return kv_lora_rank + qk_rope_head_dim; }
  bool operator==(const MlaDims&) const = default;
};

// A sequence with at most this many new tokens runs MLA in the absorbed form (attention over
// the cached latents, as decode kernels do); longer ones (prefill chunks) decompress the keys
// and values of their whole context per head and run ordinary attention.
inline constexpr std::int64_t kMlaAbsorbedMaxQueries = 16;

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
  bool router_bias = false;      // the MoE router has a bias (gpt-oss; DeepSeek's selection bias)
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
  // DeepSeek-style MoE: routed experts moe_intermediate_size wide (0: intermediate_size), shared
  // experts every token passes through (shared_experts x that width), the first
  // first_dense_layers layers dense (an intermediate_size MLP), a router bias (the selection
  // bias of auxiliary-loss-free balancing) and each token's experts drawn from groups_per_token
  // of expert_groups groups.
  std::int64_t moe_intermediate_size = 0;
  std::int64_t shared_experts = 0;
  std::int64_t first_dense_layers = 0;
  std::int64_t expert_groups = 1;
  std::int64_t groups_per_token = 1;
  MlaDims mla;
  // Multi-token-prediction modules shipped with the model (DeepSeek-V3's
  // num_nextn_predict_layers): not part of an ordinary iteration nor of the published parameter
  // totals; a speculative-decoding draft may use them.
  std::int64_t mtp_layers = 0;
  // Tensor parallelism: the chips of a tray the model is sharded over (Megatron style, see
  // maia/workload/tensor_parallel.hpp, which sets it after checking it). Every per-chip figure
  // (the iteration graph, weight and KV-cache bytes, capacity) follows it; 1: one chip.
  std::int64_t tensor_parallel = 1;
  // Expert parallelism: the routed experts are split over this many chips (groups of
  // tensor_parallel chips each), num_experts / expert_parallel per chip; attention, dense
  // layers and shared experts are data-parallel over them (maia/workload/expert_parallel.hpp).
  std::int64_t expert_parallel = 1;
  // Pipeline parallelism: the layers are split into pipeline_parallel stages of consecutive
  // layers on their own chips; this config is stage pipeline_stage's (its layers, the embedding
  // on the first stage, the final norm and LM head on the last: see
  // maia/workload/pipeline_parallel.hpp). 1: every layer on one chip.
  std::int64_t pipeline_parallel = 1;
  std::int64_t pipeline_stage = 0;

  // The stage's layers [first_layer(), end_layer()): stage s of P holds layers s L / P ..
  // (s + 1) L / P - 1 (rounded down), so stage sizes differ by at most one.
  std::int64_t first_layer() const { return pipeline_stage * num_layers / pipeline_parallel; }
  std::int64_t end_layer() const { return (pipeline_stage + 1) * num_layers / pipeline_parallel; }
  bool has_embedding() const { return pipeline_stage == 0; }
  bool has_head() const { return pipeline_stage == pipeline_parallel - 1; }

  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return mla.kv_lora_rank > 0; }
  bool is_moe_layer(std::int64_t layer) const { return is_moe() && layer >= first_dense_layers; }
  std::int64_t moe_layers() const {
    return is_moe() && num_layers > first_dense_layers ? num_layers - first_dense_layers : 0;
  }
  std::int64_t dense_layers() const { return num_layers - moe_layers(); }
  // Width of one routed (or shared) expert.
  std::int64_t expert_intermediate() const {
    return moe_intermediate_size > 0 ? moe_intermediate_size : intermediate_size;
  }
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
  std::int64_t expert_intermediate_per_chip() const {
    return expert_intermediate() / tensor_parallel;
  }
  // Routed experts held by one chip under expert parallelism.
  std::int64_t experts_per_chip() const { return num_experts / expert_parallel; }
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
