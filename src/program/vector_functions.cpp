#include "maia/program/vector_functions.hpp"

namespace maia {

const std::vector<VectorFunction>& vector_functions() {
  static const std::vector<VectorFunction> table = {
      {"copy", 1, 0, "move or convert datatype"},
      {"add", 1, 1, "elementwise sum of the inputs (residual add)"},
      {"mul", 1, 1, "elementwise product"},
      {"fma", 1, 2, "a * b + c"},
      {"max", 1, 1, "elementwise maximum"},
      {"reduce_sum", 1, 1, "sum along rows"},
      {"reduce_max", 1, 1, "maximum along rows"},
      {"exp", 4, 8, "exponential (range reduction + polynomial)"},
      {"silu", 6, 10, "x * sigmoid(x)"},
      {"swiglu", 7, 11, "silu(a) * b"},
      {"gelu", 8, 14, "tanh approximation"},
      {"rmsnorm", 4, 4, "x * rsqrt(mean(x^2)) * weight (one pass + scale)"},
      {"layernorm", 6, 7, "(x - mean) * rsqrt(var) * weight + bias"},
      {"softmax", 8, 12, "max, subtract, exp, sum, scale"},
      {"rope", 3, 3, "rotary position embedding (2 mul + 1 add per element)"},
      {"topk", 2, 1, "compare and select for top-k over a row"},
  };
  return table;
}

const VectorFunction* find_vector_function(const std::string& name) {
  for (const auto& f : vector_functions())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace maia
