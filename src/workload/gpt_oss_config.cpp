#include "maia/workload/gpt_oss_config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"
#include "maia/workload/decoder_fields.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;

// layer_types: one entry per decoder layer, each sliding_attention or full_attention; returns the
// layer windows (sliding_window or 0).
std::vector<std::int64_t> read_layer_types(JsonReader& r, std::int64_t layers,
                                           std::int64_t window) {
  const Json& types = r.child("layer_types").node();
  if (!types.is_array())
    r.fail("layer_types", "must be an array of sliding_attention or full_attention");
  if (static_cast<std::int64_t>(types.size()) != layers)
    r.fail("layer_types",
           fmt::format("must have one entry per layer (num_hidden_layers = {}), has {}", layers,
                       types.size()));
  std::vector<std::int64_t> windows;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string type = types[i].is_string() ? types[i].get<std::string>() : "";
    if (type == "full_attention") {
      windows.push_back(0);
    } else if (type == "sliding_attention") {
      windows.push_back(window);
    } else {
      throw InputError(
          fmt::format("{}: {}[{}]: must be sliding_attention or full_attention, got {}", r.file(),
                      r.key_path("layer_types"), i, brief_json(types[i])));
    }
  }
  return windows;
}

// quantization_config: quant_method mxfp4 quantises every module but those listed in
// modules_to_not_convert; the simulator models the experts (the MoE MLPs) as the converted
// tensor class, so listing the experts there leaves them at the --weights datatype.
void read_quantization_config(JsonReader& r, ModelConfig& m) {
  if (!r.has("quantization_config")) return;
  JsonReader q = r.object("quantization_config");
  q.choice("quant_method", {"mxfp4"});
  bool experts_converted = true;
  if (q.has("modules_to_not_convert")) {
    const Json& list = q.child("modules_to_not_convert").node();
    if (!list.is_array()) q.fail("modules_to_not_convert", "must be an array of module names");
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        throw InputError(fmt::format("{}: {}[{}]: must be a module name pattern, got {}", r.file(),
                                     q.key_path("modules_to_not_convert"), i, brief_json(list[i])));
      if (list[i].get<std::string>().find("experts") != std::string::npos)
        experts_converted = false;
    }
  }
  q.reject_unknown_keys();
  if (experts_converted) m.native_expert_dtype = DType::kFp4;
}

}  // namespace

const std::vector<std::string>& ignored_gpt_oss_fields() {
  static const std::vector<std::string> fields = with_family_neutral_fields({
      // Numerics, training options and the rotary scaling (YaRN): no effect on cost.
      "attention_dropout",
      "initializer_range",
      "rms_norm_eps",
      "rope_theta",
      "rope_scaling",
      "initial_context_length",
      "swiglu_limit",
      "router_aux_loss_coef",
      "output_router_logits",
  });
  return fields;
}

void read_gpt_oss_fields(JsonReader& r, ModelConfig& m) {
  read_decoder_dimensions(r, m);
  read_gqa_heads(r, m);

  // Every gpt-oss linear layer has a bias: Q, K, V and O (attention_bias), the experts' gate,
  // up and down, and the router. Every attention layer has one learned sink logit per head.
  m.qkv_bias = m.o_bias = r.boolean_or("attention_bias", true);
  m.mlp_bias = true;
  m.router_bias = true;
  m.attention_sinks = true;

  m.num_experts = r.integer("num_local_experts", 1, 1 << 20);
  m.experts_per_token = r.integer("num_experts_per_tok", 1, m.num_experts);
  // experts_per_token is OpenAI's name for the same top-k; it must agree when given.
  if (r.integer_or("experts_per_token", m.experts_per_token, 1, m.num_experts) !=
      m.experts_per_token)
    r.fail("experts_per_token",
           fmt::format("must equal num_experts_per_tok ({})", m.experts_per_token));

  // sliding_window is the window of the sliding layers; required (>= 1) when one layer slides.
  const bool any_sliding =
      r.has("layer_types") && r.node()["layer_types"].is_array() &&
      std::any_of(r.node()["layer_types"].begin(), r.node()["layer_types"].end(),
                  [](const Json& t) { return t == "sliding_attention"; });
  const std::int64_t window =
      any_sliding || r.has("sliding_window") ? r.integer("sliding_window", 1, INT32_MAX) : 0;
  if (r.has("layer_types")) {
    m.layer_windows = read_layer_types(r, m.num_layers, window);
  } else {
    // Without layer_types every layer slides when a window is given (as in Mistral).
    m.sliding_window = window;
  }
  read_quantization_config(r, m);
}

}  // namespace maia
