#include "maia/serving/portable_random.hpp"

#include <cmath>
#include <limits>

#include "maia/serving/portable_math.hpp"

// No fused multiply-add: every operation below must round as written, on every compiler.
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

namespace maia {

double PortableRandom::uniform() {
  return static_cast<double>(gen_() >> 11) * 0x1.0p-53;  // exact: k / 2^53
}

std::int64_t PortableRandom::uniform_int(std::int64_t lo, std::int64_t hi) {
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == std::numeric_limits<std::uint64_t>::max()) return static_cast<std::int64_t>(gen_());
  const std::uint64_t n = span + 1;
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              (std::numeric_limits<std::uint64_t>::max() % n + 1) % n;
  std::uint64_t x;
  do x = gen_();
  while (x > limit);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + x % n);
}

double PortableRandom::exponential(double rate) {
  // Inversion: -ln(U)/rate with U = 1 - uniform() in (0, 1].
  return -portable_log(1.0 - uniform()) / rate;
}

double PortableRandom::normal() {
  // Marsaglia's polar method (the second variate of each pair is discarded).
  while (true) {
    const double u = 2 * uniform() - 1;
    const double v = 2 * uniform() - 1;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) return u * std::sqrt(-2 * portable_log(s) / s);
  }
}

double PortableRandom::gamma(double shape, double scale) {
  if (shape < 1) {
    // Gamma(k) = Gamma(k + 1) * U^(1/k) (Marsaglia and Tsang, section 6).
    const double g = gamma(shape + 1, 1.0);
    const double u = 1.0 - uniform();  // (0, 1]
    return g * portable_exp(portable_log(u) / shape) * scale;
  }
  // Marsaglia and Tsang (2000): d v^3 with v = (1 + c x), x standard normal, and a squeeze.
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    const double x = normal();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = 1.0 - uniform();  // (0, 1]
    const double x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
    if (portable_log(u) < 0.5 * x2 + d * (1 - v + portable_log(v))) return d * v * scale;
  }
}

}  // namespace maia
