#pragma once
// Checked arithmetic for sizes, counts and times derived from input. A product or sum that does
// not fit 64 bits is never a wrapped number: it is an InputError that says what was being
// computed and from which values, so a hostile size is refused instead of hanging a run.
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace maia {

[[noreturn]] void throw_overflow(std::string_view what, std::string_view op, long double a,
                                 long double b);

// For std::int64_t and std::uint64_t (both operands of the same type).
template <class T>
requires std::is_integral_v<T> T checked_mul(T a, T b, std::string_view what) {
  T r;
  if (__builtin_mul_overflow(a, b, &r)) throw_overflow(what, "x", a, b);
  return r;
}

template <class T>
requires std::is_integral_v<T> T checked_add(T a, T b, std::string_view what) {
  T r;
  if (__builtin_add_overflow(a, b, &r)) throw_overflow(what, "+", a, b);
  return r;
}

}  // namespace maia
