#include "maia/workload/quantization.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {

DType parse_quant_dtype(const std::string& text, const std::string& what) {
  if (text == "bf16") return DType::kBf16;
  if (text == "fp8") return DType::kFp8;
  if (text == "fp4") return DType::kFp4;
  throw InputError(fmt::format(
      "{}: datatype must be one of: bf16, fp8, fp4 (fp4 is MXFP4), got '{}'", what, text));
}

Quantization parse_quantization(const std::string& spec) {
  Quantization q;
  if (spec.find('=') == std::string::npos) {
    const DType t = parse_quant_dtype(spec, "quantization");
    return {t, t, t};
  }
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string item = spec.substr(start, comma - start);
    const std::size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    const std::string what = fmt::format("quantization '{}': {}", spec, key);
    if (key == "weights") {
      q.weights = parse_quant_dtype(value, what);
    } else if (key == "activations") {
      q.activations = parse_quant_dtype(value, what);
    } else if (key == "kv") {
      q.kv_cache = parse_quant_dtype(value, what);
    } else if (key == "experts") {
      q.experts = parse_quant_dtype(value, what);
    } else {
      throw InputError(fmt::format(
          "quantization '{}': unknown key '{}' (keys: weights, activations, kv, experts)", spec,
          key));
    }
    start = comma + 1;
  }
  return q;
}

Quantization resolve_quantization(const ModelConfig& m, Quantization q) {
  if (!q.experts && m.is_moe() && m.native_expert_dtype) q.experts = m.native_expert_dtype;
  return q;
}

std::string quantization_text(const Quantization& q) {
  std::string text = fmt::format("weights {}, activations {}, kv {}", dtype_name(q.weights),
                                 dtype_name(q.activations), dtype_name(q.kv_cache));
  if (q.experts) text += fmt::format(", experts {}", dtype_name(*q.experts));
  return text;
}

}  // namespace maia
