#pragma once
// Speculative decoding (docs/serving.md, "Speculative decoding"): each step of a decoding
// sequence, a draft proposes K tokens (K sequential one-token iterations of the draft model),
// the target verifies them in one iteration of K+1 new tokens (the last emitted token and the
// drafts), and emits the accepted prefix of the drafts plus one token of its own (the bonus or
// the correction). The draft is another model (same vocabulary as the target) or a
// multi-token-prediction (MTP) head: one more decoder layer of the target sharing its
// embeddings and LM head, modelled as a 1-layer copy of the target.
//
// Acceptance is a per-position table p_1..p_K, p_i = P(draft i accepted | drafts 1..i-1
// accepted), or one rate alpha for every position. Expected tokens emitted per step:
//
//   E = 1 + sum_{i=1..K} prod_{j<=i} p_j        (with alpha: (1 - alpha^(K+1)) / (1 - alpha))
//
// Static batches use E (expected-value accounting); serving draws each step's acceptance from
// a counter-based hash of (seed, request id, the request's step, position), so a run does not
// depend on hash order, wall clock or what else is in the batch.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maia/workload/model_config.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {

// The most draft tokens per step the simulator accepts.
inline constexpr std::int64_t kMaxSpeculativeTokens = 16;

enum class DraftKind {
  kModel,  // another model config (--draft-model)
  kMtp,    // a multi-token-prediction head of the target (--draft mtp)
};

struct SpeculativeConfig {
  std::int64_t k = 0;  // draft tokens per step (--speculate); 0: no speculation
  DraftKind draft = DraftKind::kMtp;
  // Acceptance: exactly one of the rate or the table (K entries) is given.
  std::optional<double> accept_rate;
  std::vector<double> accept_table;
  std::uint64_t seed = 1;  // serving acceptance draws (--accept-seed)
};

// InputError naming the flag: K outside [1, kMaxSpeculativeTokens], no acceptance or both,
// a rate or table entry outside [0, 1] (or not finite), a table whose length is not K.
void validate_speculative_config(const SpeculativeConfig& c);

// The MTP draft of `target`: a copy with one decoder layer like its last (MoE or dense, its
// attention window), named "<target>-mtp".
ModelConfig mtp_draft_model(const ModelConfig& target);

// InputError "draft model NAME: vocab_size X differs from the target's Y (...)" and the like.
void check_draft_model(const ModelConfig& target, const ModelConfig& draft);

// 1 + sum_{i<=drafts} prod_{j<=i} p_j: expected tokens emitted by one step with `drafts` drafts.
double expected_emitted_tokens(const std::vector<double>& accept, std::int64_t drafts);

class SpeculativeDecoding {
 public:
  // Validates `config` and the draft (named errors, InputError). `draft` is the draft model for
  // DraftKind::kModel and ignored for kMtp (the MTP head is derived from the target).
  SpeculativeDecoding(const SpeculativeConfig& config, const ModelConfig& target,
                      const ModelConfig& draft);
  SpeculativeDecoding(const SpeculativeConfig& config, const ModelConfig& target);  // kMtp

  const SpeculativeConfig& config() const { return config_; }
  std::int64_t k() const { return config_.k; }
  DraftKind kind() const { return config_.draft; }
  // The model whose iterations produce the drafts (for kMtp: the 1-layer copy).
  const ModelConfig& draft_model() const { return draft_; }
  std::string draft_text() const;  // "llama-3.1-8b" or "mtp head (1 decoder layer of NAME)"
  // p_1..p_K (the rate repeated, or the table).
  const std::vector<double>& acceptance() const { return accept_; }
  double expected_emitted(std::int64_t drafts) const {
    return expected_emitted_tokens(accept_, drafts);
  }
  // Drafts accepted (0..drafts) at step `step` (0, 1, ... per request) of request `request`.
  std::int64_t accepted(std::uint64_t request, std::uint64_t step, std::int64_t drafts) const;

  // HBM the draft adds beside the target: its weights (for kMtp one decoder layer: the
  // embeddings and LM head are the target's), and its KV bytes per token.
  std::uint64_t draft_weight_bytes(const Quantization& q) const;
  std::uint64_t draft_kv_bytes(const Quantization& q, std::int64_t tokens) const;

 private:
  SpeculativeConfig config_;
  std::string target_;  // the target's name
  ModelConfig draft_;
  std::vector<double> accept_;
};

}  // namespace maia
