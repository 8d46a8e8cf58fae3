#pragma once
// log and exp computed with IEEE-754 +, -, *, / and exact scaling only, so they give the same
// bits on every standard library (std::log / std::exp may differ in the last bit between
// libms). Accurate to about 1 ulp; used by the synthetic trace generators.
namespace maia {

double portable_log(double x);  // x > 0 and finite
double portable_exp(double x);

}  // namespace maia
