#pragma once
// Checked arithmetic for sizes, counts and times derived from input. A product or sum that does
// not fit 64 bits is never a wrapped number: it is an InputError that says what was being
// computed and from which values, so a hostile size is refused instead of hanging a run.
#include <cstdint>
#include <string_view>

namespace maia {

[[noreturn]] void throw_overflow(std::string_view what, std::string_view op, long double a,
                                 long double b);

inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw_overflow(what, "x", a, b);
  return r;
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw_overflow(what, "+", a, b);
  return r;
}

inline std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b, std::string_view what) {
  std::uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw_overflow(what, "x", a, b);
  return r;
}

inline std::uint64_t checked_add(std::uint64_t a, std::uint64_t b, std::string_view what) {
  std::uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw_overflow(what, "+", a, b);
  return r;
}

}  // namespace maia
