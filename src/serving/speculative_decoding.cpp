#include "maia/serving/speculative_decoding.hpp"

#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/splitmix64.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/parameters.hpp"

namespace maia {
namespace {

// A uniform in [0, 1) that depends only on its four arguments (53 bits, exact).
double counter_uniform(std::uint64_t seed, std::uint64_t request, std::uint64_t step,
                       std::uint64_t position) {
  const std::uint64_t h = splitmix64_mix(
      splitmix64_mix(splitmix64_mix(splitmix64_mix(seed) ^ request) ^ step) ^ position);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

bool probability(double p) { return std::isfinite(p) && p >= 0.0 && p <= 1.0; }

}  // namespace

void validate_speculative_config(const SpeculativeConfig& c) {
  if (c.k < 1 || c.k > kMaxSpeculativeTokens)
    throw InputError(fmt::format("--speculate: draft tokens must be in [1, {}], got {}",
                                 kMaxSpeculativeTokens, c.k));
  const bool rate = c.accept_rate.has_value();
  const bool table = !c.accept_table.empty();
  if (rate && table)
    throw InputError("--accept-rate and --accept-table exclude each other: give one");
  if (!rate && !table)
    throw InputError(
        "--speculate needs an acceptance model: --accept-rate P or --accept-table p1,...,pK");
  if (rate && !probability(*c.accept_rate))
    throw InputError(
        fmt::format("--accept-rate: must be a probability in [0, 1], got {}", *c.accept_rate));
  if (table) {
    if (static_cast<std::int64_t>(c.accept_table.size()) != c.k)
      throw InputError(fmt::format(
          "--accept-table: needs one acceptance per draft position (--speculate {}), got {}", c.k,
          c.accept_table.size()));
    for (std::size_t i = 0; i < c.accept_table.size(); ++i)
      if (!probability(c.accept_table[i]))
        throw InputError(
            fmt::format("--accept-table: position {}: must be a probability in [0, 1], got {}",
                        i + 1, c.accept_table[i]));
  }
}

ModelConfig mtp_draft_model(const ModelConfig& target) {
  // One decoder layer like the target's last: MoE when that is (DeepSeek-V3's MTP module), with
  // its attention window.
  const std::int64_t last = target.num_layers - 1;
  ModelConfig d = target;
  d.name = target.name + "-mtp";
  d.num_layers = 1;
  d.first_dense_layers = target.is_moe_layer(last) ? 0 : 1;
  if (!target.layer_windows.empty()) d.layer_windows = {target.layer_window(last)};
  return d;
}

void check_draft_model(const ModelConfig& target, const ModelConfig& draft) {
  if (draft.vocab_size != target.vocab_size)
    throw InputError(fmt::format(
        "--draft-model {}: vocab_size {} differs from the target {}'s {} (the target verifies "
        "the draft's token ids: both need one tokenizer)",
        draft.name, draft.vocab_size, target.name, target.vocab_size));
  if (draft.tensor_parallel != target.tensor_parallel)
    throw InputError(
        fmt::format("--draft-model {}: tensor parallelism {} differs from the target's {}",
                    draft.name, draft.tensor_parallel, target.tensor_parallel));
  if (draft.max_position_embeddings < target.max_position_embeddings)
    throw InputError(fmt::format(
        "--draft-model {}: max_position_embeddings {} is below the target {}'s {} (the draft "
        "must reach every position the target does)",
        draft.name, draft.max_position_embeddings, target.name, target.max_position_embeddings));
}

double expected_emitted_tokens(const std::vector<double>& accept, std::int64_t drafts) {
  double e = 1.0, run = 1.0;
  for (std::int64_t i = 0; i < drafts && i < static_cast<std::int64_t>(accept.size()); ++i) {
    run *= accept[static_cast<std::size_t>(i)];
    e += run;
  }
  return e;
}

SpeculativeDecoding::SpeculativeDecoding(const SpeculativeConfig& config, const ModelConfig& target,
                                         const ModelConfig& draft)
    : config_(config), target_(target.name) {
  validate_speculative_config(config_);
  if (config_.draft == DraftKind::kMtp) {
    draft_ = mtp_draft_model(target);
  } else {
    check_draft_model(target, draft);
    draft_ = draft;
  }
  accept_ = config_.accept_table.empty()
                ? std::vector<double>(static_cast<std::size_t>(config_.k), *config_.accept_rate)
                : config_.accept_table;
}

SpeculativeDecoding::SpeculativeDecoding(const SpeculativeConfig& config, const ModelConfig& target)
    : SpeculativeDecoding(config, target, target) {
  if (config.draft != DraftKind::kMtp)
    throw InputError("speculative decoding: a draft model is needed (--draft-model NAME)");
}

std::string SpeculativeDecoding::draft_text() const {
  return config_.draft == DraftKind::kMtp ? fmt::format("mtp head (1 decoder layer of {})", target_)
                                          : draft_.name;
}

std::int64_t SpeculativeDecoding::accepted(std::uint64_t request, std::uint64_t step,
                                           std::int64_t drafts) const {
  std::int64_t a = 0;
  while (a < drafts && a < config_.k &&
         counter_uniform(config_.seed, request, step, static_cast<std::uint64_t>(a)) <
             accept_[static_cast<std::size_t>(a)])
    ++a;
  return a;
}

std::uint64_t SpeculativeDecoding::draft_weight_bytes(const Quantization& q) const {
  const auto weights = [&](const ModelConfig& m) {
    return model_weight_bytes(m, q.weights, q.expert_weights());
  };
  if (config_.draft == DraftKind::kModel) return weights(draft_);
  // One decoder layer: a 2-layer copy less the 1-layer one (embeddings and head are shared).
  ModelConfig two = draft_;
  two.num_layers = 2;
  return weights(two) - weights(draft_);
}

std::uint64_t SpeculativeDecoding::draft_kv_bytes(const Quantization& q,
                                                  std::int64_t tokens) const {
  return tokens > 0 ? kv_cache_bytes(draft_, q.kv_cache, {Sequence{0, tokens, true}}) : 0;
}

}  // namespace maia
