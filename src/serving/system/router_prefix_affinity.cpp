// prefix-affinity: the replica holding the longest run of the request's leading prefix hash ids
// (Mooncake hash_ids; in its prefix cache or in requests assigned to it and not finished); the
// least-outstanding among those tied, so a request that matches nowhere goes to the emptiest.
#include "maia/serving/system/router.hpp"

namespace maia {
namespace {

class PrefixAffinity : public Router {
 public:
  std::string_view name() const override { return "prefix-affinity"; }
  bool needs_prefix_ids() const override { return true; }
  std::size_t route(const Request& request,
                    const std::vector<const RoutableReplica*>& replicas) override {
    std::int64_t longest = 0;
    std::vector<const RoutableReplica*> tied;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
      const std::int64_t m = replicas[i]->prefix_match_blocks(request.prefix_blocks);
      if (m > longest) {
        longest = m;
        tied.clear();
        index.clear();
      }
      if (m == longest) {
        tied.push_back(replicas[i]);
        index.push_back(i);
      }
    }
    return index[least_outstanding_replica(tied)];
  }
};

}  // namespace

std::unique_ptr<Router> make_prefix_affinity_router() { return std::make_unique<PrefixAffinity>(); }

}  // namespace maia
