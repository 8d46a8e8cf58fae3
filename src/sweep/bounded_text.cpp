#include "maia/sweep/bounded_text.hpp"

#include <fmt/format.h>

namespace maia {

std::string bounded_text(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  return fmt::format("{}... ({} chars)", text.substr(0, max_chars), text.size());
}

}  // namespace maia
