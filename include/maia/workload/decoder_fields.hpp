#pragma once
// The Hugging Face config fields that the Llama-style families (llama, mistral, mixtral, qwen2,
// gpt_oss, deepseek_v3) spell alike, read once for all of them.
#include <string>
#include <vector>

#include "maia/core/json_reader.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

// Fields every family reads without effect (token ids, the checkpoint's datatype, versions,
// names), followed by `own`: a family's list of ignored fields is built with it.
std::vector<std::string> with_family_neutral_fields(std::vector<std::string> own);

// hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, vocab_size (required),
// max_position_embeddings (default unlimited), tie_word_embeddings (default false) and
// hidden_act (must be silu).
void read_decoder_dimensions(JsonReader& r, ModelConfig& m);

// Grouped-query attention heads: num_key_value_heads (default the heads; must divide them) and
// head_dim (default hidden_size / heads, which must then divide).
void read_gqa_heads(JsonReader& r, ModelConfig& m);

}  // namespace maia
