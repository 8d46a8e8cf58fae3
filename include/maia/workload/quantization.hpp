#pragma once
// How a model is quantised: the datatype of weights, of activations and of the KV cache, each
// BF16, FP8 or FP4 (OCP MXFP4 with one scale byte per 32 elements, counted by dtype_bytes).
#include <string>

#include "maia/core/dtype.hpp"

namespace maia {

struct Quantization {
  DType weights = DType::kBf16;
  DType activations = DType::kBf16;
  DType kv_cache = DType::kBf16;
  bool operator==(const Quantization&) const = default;
};

// "bf16", "fp8" or "fp4"; anything else is an InputError naming `what`.
DType parse_quant_dtype(const std::string& text, const std::string& what);

// "fp8" (all three) or a comma list such as "weights=fp4,activations=fp8,kv=fp8" (keys weights,
// activations, kv; missing keys stay bf16).
Quantization parse_quantization(const std::string& spec);

// "weights fp4, activations fp8, kv fp8".
std::string quantization_text(const Quantization& q);

}  // namespace maia
