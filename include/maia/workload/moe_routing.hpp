#pragma once
// Which experts the router picks, made deterministic: "balanced" deals the tokens' top-k slots
// round-robin over the experts (every expert within one token of the mean); "random" draws each
// token's k distinct experts uniformly with a generator seeded by (seed, layer).
#include <cstdint>
#include <string>
#include <vector>

namespace maia {

struct MoeRouting {
  enum class Mode { kBalanced, kRandom };
  Mode mode = Mode::kBalanced;
  std::uint64_t seed = 0;  // random mode only
};

// "balanced", "random" or "random:<seed>"; InputError otherwise.
MoeRouting parse_moe_routing(const std::string& text);
std::string moe_routing_text(const MoeRouting& r);

// Tokens routed to each expert in `layer`; the loads sum to tokens * top_k. With group-limited
// routing (DeepSeek: `groups` equal groups of consecutive experts, each token choosing
// `groups_per_token` of them), random mode draws each token's groups first and its k experts
// among theirs; balanced mode is the same with or without groups. groups 1: no limit.
std::vector<std::int64_t> expert_loads(const MoeRouting& r, std::int64_t tokens,
                                       std::int64_t experts, std::int64_t top_k, std::int64_t layer,
                                       std::int64_t groups = 1, std::int64_t groups_per_token = 1);

}  // namespace maia
