// least-outstanding: the replica with the fewest outstanding tokens (prompt + remaining output of
// the requests assigned to it and not finished); the lowest index on ties.
#include "maia/serving/system/router.hpp"

namespace maia {

std::size_t least_outstanding_replica(const std::vector<const RoutableReplica*>& replicas) {
  std::size_t best = 0;
  std::int64_t least = replicas.front()->outstanding_tokens();
  for (std::size_t i = 1; i < replicas.size(); ++i) {
    const std::int64_t t = replicas[i]->outstanding_tokens();
    if (t < least) {
      least = t;
      best = i;
    }
  }
  return best;
}

namespace {

class LeastOutstanding : public Router {
 public:
  std::string_view name() const override { return "least-outstanding"; }
  std::size_t route(const Request&, const std::vector<const RoutableReplica*>& replicas) override {
    return least_outstanding_replica(replicas);
  }
};

}  // namespace

std::unique_ptr<Router> make_least_outstanding_router() {
  return std::make_unique<LeastOutstanding>();
}

}  // namespace maia
