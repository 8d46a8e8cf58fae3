#pragma once
// User text quoted in a message is cut to a bounded length, so that a megabyte expression or
// name never floods the terminal: the first `max_chars` characters and an ellipsis.
#include <cstddef>
#include <string>

namespace maia {

inline constexpr std::size_t kQuotedTextMax = 80;

// `text` itself when short enough, else its first max_chars characters followed by
// "... (N chars)".
std::string bounded_text(const std::string& text, std::size_t max_chars = kQuotedTextMax);

}  // namespace maia
