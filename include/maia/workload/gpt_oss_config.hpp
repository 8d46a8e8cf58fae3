#pragma once
// gpt-oss models (model_type gpt_oss, GptOssForCausalLM; OpenAI's gpt-oss-120b and -20b): the
// gpt-oss field names mapped onto ModelConfig. RMSNorm, SwiGLU experts with biases, GQA with
// biases and learned attention sinks, rotary positions, and per-layer attention types
// (layer_types: sliding_attention with sliding_window tokens, or full_attention). The checkpoint's
// quantization_config (quant_method mxfp4) makes MXFP4 the experts' default datatype.
#include <string>
#include <vector>

#include "maia/core/json_reader.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

// gpt-oss fields read without effect on performance (numerics, YaRN's parameters, token ids,
// versions).
const std::vector<std::string>& ignored_gpt_oss_fields();

// Reads the dimensions and options of a gpt_oss config into m (model_type and architectures are
// already read); InputError naming the file, JSON path, rule and value for a value the model
// cannot represent (a sliding window of 0, layer_types of the wrong length or an unknown type, a
// quantisation method other than mxfp4).
void read_gpt_oss_fields(JsonReader& r, ModelConfig& m);

}  // namespace maia
