#include "maia/core/decimal.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace maia {

namespace {

bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::optional<double> parse_decimal(std::string_view text, std::size_t* prefix_end) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t int_start = i;
  while (i < text.size() && digit(text[i])) ++i;
  std::size_t digits = i - int_start;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_start = ++i;
    while (i < text.size() && digit(text[i])) ++i;
    digits += i - frac_start;
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    const std::size_t exp_start = j;
    while (j < text.size() && digit(text[j])) ++j;
    if (j > exp_start) i = j;  // "2e" is a number followed by "e"
  }
  if (prefix_end)
    *prefix_end = i;
  else if (i != text.size())
    return std::nullopt;
  // from_chars takes no leading '+'.
  const std::size_t from = text[0] == '+' ? 1 : 0;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data() + from, text.data() + i, v);
  if (ec != std::errc() || end != text.data() + i || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace maia
