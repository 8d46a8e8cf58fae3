#pragma once
// Random variates that are identical on every platform: std::mt19937_64 (its output is fixed
// by the standard) with our own transformations, since the std::*_distribution classes are
// implementation-defined.
#include <cstdint>
#include <random>

namespace maia {

class PortableRandom {
 public:
  explicit PortableRandom(std::uint64_t seed) : gen_(seed) {}

  double uniform();                                            // [0, 1), 53 random bits
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);  // [lo, hi], unbiased
  double exponential(double rate);                             // mean 1/rate
  double normal();                                             // mean 0, standard deviation 1
  double gamma(double shape, double scale);                    // mean shape*scale

 private:
  std::mt19937_64 gen_;
};

}  // namespace maia
