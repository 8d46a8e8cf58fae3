// least-loaded spraying: a packet takes the parallel link that frees first (the end of its
// latest booking); ties go to the lowest index, so the choice is deterministic.
#include "maia/hw/net/spray_policy.hpp"

namespace maia {
namespace {

class LeastLoaded : public SprayPolicy {
 public:
  std::string_view name() const override { return "least-loaded"; }
  std::size_t pick(const std::vector<LinkDirection*>& candidates, std::uint64_t&) const override {
    std::size_t best = 0;
    for (std::size_t i = 1; i < candidates.size(); ++i)
      if (candidates[i]->free_at() < candidates[best]->free_at()) best = i;
    return best;
  }
};

}  // namespace

std::unique_ptr<SprayPolicy> make_least_loaded_spray() { return std::make_unique<LeastLoaded>(); }

}  // namespace maia
