#pragma once
// How much work one operator may ask of the simulator. Each knob of a shape may be in range
// while the whole is work that would run for hours or exhaust memory (a 2^21-cube GEMM, a
// 2^40-row GEMM, 100,000 attention sequences): such shapes are refused up front with the
// numbers (docs/limits.md). The limits are set from measured simulation cost (docs/limits.md
// has the measurements): at a limit an operator takes a minute or a few and a few GB; the
// largest real operators (Llama-3.1-405B prefill of 32k tokens, 128k-token contexts) are inside.
#include <cstdint>

namespace maia {

// GEMM: multiply-adds, and 32x32x256 blocks of work (ceil of each dimension), which is what
// the kernel's instruction count and the simulation time follow (thin or deep GEMMs included).
inline constexpr long double kMaxGemmMacs = 140737488355328.0L;  // 2^47
inline constexpr long double kMaxGemmBlocks = 268435456.0L;      // 2^28
// Attention: sequences per operator, QK + PV multiply-adds, and keys read (per KV head).
inline constexpr std::int64_t kMaxAttentionSequences = 4096;
inline constexpr long double kMaxAttentionMacs = 70368744177664.0L;  // 2^46
inline constexpr long double kMaxAttentionKeyReads = 1073741824.0L;  // 2^30
// Vector and collective operators: elements.
inline constexpr std::int64_t kMaxVectorElements = std::int64_t{1} << 34;

}  // namespace maia
