#include "maia/workload/batch.hpp"

#include <fmt/format.h>

#include "maia/core/checked_math.hpp"
#include "maia/core/error.hpp"

namespace maia {

std::int64_t total_new_tokens(const std::vector<Sequence>& batch) {
  std::int64_t n = 0;
  for (const auto& s : batch) n = checked_add(n, s.new_tokens, "tokens in the batch");
  return n;
}

std::int64_t emitting_sequences(const std::vector<Sequence>& batch) {
  std::int64_t n = 0;
  for (const auto& s : batch) n += s.emits_token() ? 1 : 0;
  return n;
}

void validate_batch(const std::vector<Sequence>& batch) {
  if (batch.empty()) throw InputError("batch: must contain at least one sequence");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].cached_tokens < 0 || batch[i].new_tokens < 0)
      throw InputError(
          fmt::format("batch: sequence {}: token counts must be >= 0, got cached {} and new {}", i,
                      batch[i].cached_tokens, batch[i].new_tokens));
    if (batch[i].cached_tokens > kMaxSequenceTokens - batch[i].new_tokens)
      throw InputError(fmt::format(
          "batch: sequence {}: cached + new tokens must be <= {} (the simulator's limit per "
          "sequence), got {} + {}",
          i, kMaxSequenceTokens, batch[i].cached_tokens, batch[i].new_tokens));
  }
}

}  // namespace maia
