#pragma once
// DeepSeek-V3-style models (model_type deepseek_v3, DeepseekV3ForCausalLM): multi-head latent
// attention (MlaDims), routed experts of moe_intermediate_size with shared experts, the first
// first_k_dense_replace layers dense, group-limited routing (n_group, topk_group), RMSNorm,
// SwiGLU and RoPE on the rotary slice of Q and K.
#include <string>
#include <vector>

#include "maia/core/json_reader.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

// DeepSeek fields read without effect on performance (numerics of the router and of RoPE,
// training options) and the family-neutral ones (token ids, dtype, versions).
const std::vector<std::string>& ignored_deepseek_fields();

// Reads the dimensions and options of a deepseek_v3 config into m (model_type and architectures
// are already read); InputError naming the field for a value the model cannot represent or
// fields that contradict each other.
void read_deepseek_fields(JsonReader& r, ModelConfig& m);

}  // namespace maia
