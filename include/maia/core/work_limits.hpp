#pragma once
// How much work one operator may ask of the simulator. Each knob of a shape may be in range
// while the whole is work that would run for days or exhaust memory (a 2^21-cube GEMM, 100,000
// attention sequences): such shapes are refused up front with the numbers (docs/limits.md).
// The largest real operators (Llama-3.1-405B prefill of 32k tokens: ~2^45 MACs)
// are well inside.
#include <cstdint>

namespace maia {

inline constexpr long double kMaxOperatorMacs = 140737488355328.0L;  // 2^47 multiply-adds
inline constexpr std::int64_t kMaxAttentionSequences = 4096;
inline constexpr std::int64_t kMaxVectorElements = std::int64_t{1} << 36;

}  // namespace maia
