// round-robin spraying: successive packets from one node towards one destination take the
// parallel links in turn, whatever their load.
#include "maia/hw/net/spray_policy.hpp"

namespace maia {
namespace {

class RoundRobin : public SprayPolicy {
 public:
  std::string_view name() const override { return "round-robin"; }
  std::size_t pick(const std::vector<LinkDirection*>& candidates,
                   std::uint64_t& turn) const override {
    return static_cast<std::size_t>(turn++ % candidates.size());
  }
};

}  // namespace

std::unique_ptr<SprayPolicy> make_round_robin_spray() { return std::make_unique<RoundRobin>(); }

}  // namespace maia
