#pragma once
// The batch of one iteration: every sequence with the tokens already in its KV cache and the
// tokens it processes now (a prompt or prompt chunk in prefill, 1 in decode).
#include <cstdint>
#include <vector>

namespace maia {

// The longest context one sequence may have (cached + new tokens): far beyond any model's
// positions, and small enough that every size derived from it fits 64 bits.
inline constexpr std::int64_t kMaxSequenceTokens = std::int64_t{1} << 32;

struct Sequence {
  std::int64_t cached_tokens = 0;  // context already in the KV cache
  std::int64_t new_tokens = 0;     // tokens processed this iteration (0: resident, idle)
  bool samples = true;             // false for a prefill chunk that is not the prompt's last
  // True when the sequence emits a token this iteration (LM head + sampling for its last token).
  bool emits_token() const { return samples && new_tokens > 0; }
};

std::int64_t total_new_tokens(const std::vector<Sequence>& batch);
std::int64_t emitting_sequences(const std::vector<Sequence>& batch);
// Throws InputError for negative counts, a context beyond kMaxSequenceTokens or an empty batch.
void validate_batch(const std::vector<Sequence>& batch);

}  // namespace maia
