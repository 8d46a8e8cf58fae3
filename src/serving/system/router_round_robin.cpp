// round-robin: replicas in turn, 0, 1, ..., n-1, 0, ... whatever their load.
#include "maia/serving/system/router.hpp"

namespace maia {
namespace {

class RoundRobin : public Router {
 public:
  std::string_view name() const override { return "round-robin"; }
  std::size_t route(const Request&, const std::vector<const RoutableReplica*>& replicas) override {
    return next_++ % replicas.size();
  }

 private:
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Router> make_round_robin_router() { return std::make_unique<RoundRobin>(); }

}  // namespace maia
