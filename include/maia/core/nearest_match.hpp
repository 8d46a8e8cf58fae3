#pragma once
// "Did you mean": the closest known name to a misspelt one, for error messages.
#include <string>
#include <vector>

namespace maia {

// Closest string to `word` among `candidates` by edit distance ("" when none is close). Dotted
// paths also match on their last component, so a right leaf in the wrong group is found.
std::string nearest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace maia
