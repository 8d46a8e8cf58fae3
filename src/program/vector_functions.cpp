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
      // GELU (GPT-2 MLP), 0.5 x (1 + tanh(c x (1 + 0.044715 x^2))), per element: x^2 (1),
      // fma 1 + 0.044715 x^2 (2), times x (1), times c (1), tanh by a rational approximation
      // (6), 0.5 x (1), fma 0.5 x tanh + 0.5 x (2): 14 FLOPs, 8 pipe issues once multiplies and
      // adds are fused. Bytes: one element read, one written.
      {"gelu", 8, 14, "tanh approximation"},
      {"rmsnorm", 4, 4, "x * rsqrt(mean(x^2)) * weight (one pass + scale)"},
      // LayerNorm (GPT-2), two passes over each row kept on chip. Pass 1, mean and variance as
      // E[x^2] - E[x]^2: add into the sum (1), fma into the sum of squares (2). Pass 2,
      // normalise: x - mean (1), times rsqrt(var) (1), fma weight and bias (2). 7 FLOPs per
      // element (the per-row rsqrt is amortised), 6 pipe issues (5 operations and the row's
      // reload for pass 2). Bytes: each element read once from HBM and written once; weight and
      // bias, H values each, read per operator.
      {"layernorm", 6, 7, "(x - mean) * rsqrt(var) * weight + bias"},
      {"softmax", 8, 12, "max, subtract, exp, sum, scale"},
      // One block of a flash-attention online softmax: subtract the running max, exp (4) and
      // convert to P (6 slots, at the scores' precision); the block's row max and row sum
      // folded into the running ones (2 slots, FP32 in real kernels whatever the scores).
      {"softmax_online", 6, 12,
       "flash-attention block: exp(S - m) at the scores' precision; "
       "row max and sum in FP32",
       2},
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
