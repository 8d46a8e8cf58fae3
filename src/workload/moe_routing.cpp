#include "maia/workload/moe_routing.hpp"

#include <numeric>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/splitmix64.hpp"

namespace maia {

MoeRouting parse_moe_routing(const std::string& text) {
  if (text == "balanced") return {MoeRouting::Mode::kBalanced, 0};
  if (text == "random") return {MoeRouting::Mode::kRandom, 0};
  if (text.starts_with("random:")) {
    const std::string digits = text.substr(7);
    if (!digits.empty() && digits.size() <= 19 &&
        digits.find_first_not_of("0123456789") == std::string::npos)
      return {MoeRouting::Mode::kRandom, std::stoull(digits)};
  }
  throw InputError(
      fmt::format("MoE routing must be 'balanced', 'random' or 'random:<seed>', got '{}'", text));
}

std::string moe_routing_text(const MoeRouting& r) {
  return r.mode == MoeRouting::Mode::kBalanced ? "balanced" : fmt::format("random:{}", r.seed);
}

std::vector<std::int64_t> expert_loads(const MoeRouting& r, std::int64_t tokens,
                                       std::int64_t experts, std::int64_t top_k, std::int64_t layer,
                                       std::int64_t groups, std::int64_t groups_per_token) {
  if (groups < 1 || experts % groups != 0 || groups_per_token < 1 || groups_per_token > groups ||
      top_k > groups_per_token * (experts / groups))
    throw InputError(fmt::format(
        "MoE routing: {} experts in {} groups, {} groups per token, top-{}: the groups must "
        "divide the experts and hold the top-k",
        experts, groups, groups_per_token, top_k));
  std::vector<std::int64_t> loads(static_cast<std::size_t>(experts), 0);
  if (r.mode == MoeRouting::Mode::kBalanced) {
    // Slot j of token t goes to expert (t * k + j) mod E: distinct within a token (k <= E).
    const std::int64_t slots = tokens * top_k;
    for (std::int64_t e = 0; e < experts; ++e) loads[e] = slots / experts + (e < slots % experts);
    return loads;
  }
  // k distinct experts per token: a partial Fisher-Yates shuffle of a persistent permutation.
  std::uint64_t state = r.seed ^ (0xd1b54a32d192ed03ULL * static_cast<std::uint64_t>(layer + 1));
  if (groups > 1 && groups_per_token < groups) {
    // Group-limited: shuffle the groups' order, take the first groups_per_token, then draw the
    // k experts among their experts the same way.
    const std::int64_t per_group = experts / groups, pool = groups_per_token * per_group;
    std::vector<std::int64_t> gperm(static_cast<std::size_t>(groups)), candidates;
    std::iota(gperm.begin(), gperm.end(), 0);
    for (std::int64_t t = 0; t < tokens; ++t) {
      candidates.clear();
      for (std::int64_t j = 0; j < groups_per_token; ++j) {
        const auto pick = j + static_cast<std::int64_t>(splitmix64_next(state) %
                                                        static_cast<std::uint64_t>(groups - j));
        std::swap(gperm[j], gperm[pick]);
        for (std::int64_t e = 0; e < per_group; ++e) candidates.push_back(gperm[j] * per_group + e);
      }
      for (std::int64_t j = 0; j < top_k; ++j) {
        const auto pick = j + static_cast<std::int64_t>(splitmix64_next(state) %
                                                        static_cast<std::uint64_t>(pool - j));
        std::swap(candidates[j], candidates[pick]);
        ++loads[candidates[j]];
      }
    }
    return loads;
  }
  std::vector<std::int64_t> perm(static_cast<std::size_t>(experts));
  std::iota(perm.begin(), perm.end(), 0);
  for (std::int64_t t = 0; t < tokens; ++t) {
    for (std::int64_t j = 0; j < top_k; ++j) {
      const auto pick = j + static_cast<std::int64_t>(splitmix64_next(state) %
                                                      static_cast<std::uint64_t>(experts - j));
      std::swap(perm[j], perm[pick]);
      ++loads[perm[j]];
    }
  }
  return loads;
}

}  // namespace maia
