#pragma once
// SplitMix64: a small generator whose output is fixed by its definition (unlike std::
// distributions), so draws made with it are identical on every platform.
#include <cstdint>

namespace maia {

inline constexpr std::uint64_t kSplitMix64Gamma = 0x9e3779b97f4a7c15ULL;

// The output for state `x`: a bijective mix of x + gamma (also a stateless 64-bit hash).
constexpr std::uint64_t splitmix64_mix(std::uint64_t x) {
  x += kSplitMix64Gamma;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The next output of the generator whose state is `state`, which advances.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  const std::uint64_t out = splitmix64_mix(state);
  state += kSplitMix64Gamma;
  return out;
}

}  // namespace maia
