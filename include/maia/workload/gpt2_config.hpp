#pragma once
// GPT-2-style models (model_type gpt2, GPT2LMHeadModel; GPT-3 is written in this form): the
// GPT-2 field names mapped onto ModelConfig. LayerNorm, a GELU MLP of two matrices, multi-head
// attention, a learned position table, and biases on every linear layer.
#include <string>
#include <vector>

#include "maia/core/json_reader.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

// GPT-2 fields read without effect on performance (dropouts, numerics, the sequence-summary head
// of GPT2DoubleHeadsModel) and the family-neutral ones (token ids, dtype, versions).
const std::vector<std::string>& ignored_gpt2_fields();

// Reads the dimensions and options of a gpt2 config into m (model_type and architectures are
// already read); InputError naming the field for a value the model cannot represent.
void read_gpt2_fields(JsonReader& r, ModelConfig& m);

}  // namespace maia
