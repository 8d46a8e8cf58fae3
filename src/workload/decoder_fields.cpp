#include "maia/workload/decoder_fields.hpp"

#include <fmt/format.h>

namespace maia {

std::vector<std::string> with_family_neutral_fields(std::vector<std::string> own) {
  std::vector<std::string> fields = {
      "_name_or_path",        "bos_token_id", "eos_token_id",    "pad_token_id", "torch_dtype",
      "transformers_version", "use_cache",    "tokenizer_class", "model_name",
  };
  fields.insert(fields.end(), own.begin(), own.end());
  return fields;
}

void read_decoder_dimensions(JsonReader& r, ModelConfig& m) {
  m.hidden_size = r.integer("hidden_size", 1, INT32_MAX);
  m.intermediate_size = r.integer("intermediate_size", 1, INT32_MAX);
  m.num_layers = r.integer("num_hidden_layers", 1, 100000);
  m.num_heads = r.integer("num_attention_heads", 1, 100000);
  m.vocab_size = r.integer("vocab_size", 1, INT32_MAX);
  m.max_position_embeddings = r.integer_or("max_position_embeddings", INT32_MAX, 1, INT32_MAX);
  m.tie_word_embeddings = r.boolean_or("tie_word_embeddings", false);
  r.choice_or("hidden_act", "silu", {"silu"});
}

void read_gqa_heads(JsonReader& r, ModelConfig& m) {
  m.num_kv_heads = r.integer_or("num_key_value_heads", m.num_heads, 1, m.num_heads);
  if (m.num_heads % m.num_kv_heads != 0)
    r.fail("num_key_value_heads", fmt::format("must divide num_attention_heads ({})", m.num_heads));
  if (!r.has("head_dim") && m.hidden_size % m.num_heads != 0)
    r.fail("num_attention_heads", "must divide hidden_size when head_dim is not given");
  m.head_dim = r.integer_or("head_dim", m.hidden_size / m.num_heads, 1, 100000);
}

}  // namespace maia
