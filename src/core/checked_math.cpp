#include "maia/core/checked_math.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

void throw_overflow(std::string_view what, std::string_view op, long double a, long double b) {
  throw InputError(fmt::format("{}: {:.0f} {} {:.0f} does not fit in 64 bits", what,
                               static_cast<double>(a), op, static_cast<double>(b)));
}

}  // namespace maia
