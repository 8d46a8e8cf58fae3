#include "maia/core/nearest_match.hpp"

#include <algorithm>

namespace maia {

namespace {

// Words longer than this get no suggestion (and cost no quadratic edit distance).
constexpr std::size_t kLongestWord = 256;

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string nearest_match(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > kLongestWord) return "";  // no name is that long: nothing to suggest
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    // Compare against the full path and against its last component, so that a misspelt leaf
    // in the right group and a right leaf in the wrong group are both found.
    std::size_t d = edit_distance(word, c);
    const auto dot = word.rfind('.');
    const auto cdot = c.rfind('.');
    if (dot != std::string::npos || cdot != std::string::npos) {
      const std::string wl = dot == std::string::npos ? word : word.substr(dot + 1);
      const std::string cl = cdot == std::string::npos ? c : c.substr(cdot + 1);
      if (wl == cl) d = std::min<std::size_t>(d, 1);
    }
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(3, word.size() / 3);
  return best_d <= limit ? best : "";
}

}  // namespace maia
