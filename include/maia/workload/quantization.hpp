#pragma once
// How a model is quantised: the datatype of weights, of activations and of the KV cache, each
// BF16, FP8 or FP4 (OCP MXFP4 with one scale byte per 32 elements, counted by dtype_bytes).
// One tensor class may differ from the other weights: the MoE experts (gpt-oss ships them in
// MXFP4 with attention, router, embeddings and LM head in BF16).
#include <optional>
#include <string>

#include "maia/core/dtype.hpp"

namespace maia {

struct Quantization {
  DType weights = DType::kBf16;
  DType activations = DType::kBf16;
  DType kv_cache = DType::kBf16;
  // The routed experts' weight matrices; unset: as `weights` (resolve_quantization fills it from
  // a model whose checkpoint quantises its experts, e.g. gpt-oss's quant_method mxfp4).
  std::optional<DType> experts = std::nullopt;
  DType expert_weights() const { return experts.value_or(weights); }
  bool operator==(const Quantization&) const = default;
};

// "bf16", "fp8" or "fp4"; anything else is an InputError naming `what`.
DType parse_quant_dtype(const std::string& text, const std::string& what);

// "fp8" (all three) or a comma list such as "weights=fp4,activations=fp8,kv=fp8" (keys weights,
// activations, kv, experts; missing keys stay bf16, a missing experts key follows weights).
Quantization parse_quantization(const std::string& spec);

struct ModelConfig;

// The quantisation a run of `m` uses: experts left unset take the model checkpoint's expert
// datatype (ModelConfig::native_expert_dtype: MXFP4 for gpt-oss), if it has one.
Quantization resolve_quantization(const ModelConfig& m, Quantization q);

// "weights fp4, activations fp8, kv fp8", then ", experts fp4" when the experts are set.
std::string quantization_text(const Quantization& q);

}  // namespace maia
