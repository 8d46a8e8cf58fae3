#include "maia/serving/csv_fields.hpp"

#include <charconv>

namespace maia {

void clean_csv_line(std::string& line, bool first_line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (first_line && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
}

std::optional<std::int64_t> parse_csv_integer(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string quote_value(std::string_view text) {
  constexpr std::size_t kMax = 80;
  const bool cut = text.size() > kMax;
  std::string out;
  out.reserve(kMax + 2);
  out.push_back('"');
  out.append(cut ? text.substr(0, kMax - 3) : text);
  if (cut) out.append("...");
  out.push_back('"');
  return out;
}

}  // namespace maia
