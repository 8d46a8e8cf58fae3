#include "maia/serving/portable_math.hpp"

#include <cmath>
#include <limits>

// No fused multiply-add: every operation below must round as written, on every compiler.
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

namespace maia {

namespace {

// ln 2 split so that n * kLn2Hi is exact for |n| < 2^11 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

}  // namespace

double portable_log(double x) {
  if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1): exact
  if (m < kSqrtHalf) {
    m *= 2;
    --e;
  }
  // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: 13 odd terms reach 1e-18.
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double sum = 1.0 / 25.0;
  for (int k = 11; k >= 0; --k) sum = sum * s2 + 1.0 / (2 * k + 1);
  const double log_m = 2 * s * sum;
  return e * kLn2Hi + (e * kLn2Lo + log_m);
}

double portable_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  // x = n ln2 + r, |r| <= ln2/2; e^r by its Taylor series (17 terms reach 1e-18), then 2^n.
  const double n = std::floor(x / (kLn2Hi + kLn2Lo) + 0.5);
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  double p = 1.0;
  for (int k = 17; k >= 1; --k) p = 1.0 + p * r / k;
  return std::ldexp(p, static_cast<int>(n));
}

}  // namespace maia
