#pragma once
// Strict decimal numbers from text a user wrote (flags, CSV cells, tolerances): an optional
// sign, digits with an optional fraction, an optional exponent, and nothing else. std::stod
// would also take "0x10" (16), "nan", "inf" and leading blanks, which are never meant here.
#include <optional>
#include <string_view>

namespace maia {

// The value, or nullopt when the text is not such a number or is beyond a double's range.
// `prefix_end`, when given, accepts a number followed by other text and reports where it ended.
std::optional<double> parse_decimal(std::string_view text, std::size_t* prefix_end = nullptr);

}  // namespace maia
