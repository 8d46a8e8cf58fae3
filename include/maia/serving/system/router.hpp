#pragma once
// Routers of serving on a system (docs/serving.md, "Serving on a system"): at a request's arrival
// a router picks one replica of a pool from the replicas' state at that simulated time.
// Implementations are registered by name (router_registry.cpp), one file each.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maia/serving/request.hpp"

namespace maia {

// What a router may see of a replica at the time it decides.
class RoutableReplica {
 public:
  virtual ~RoutableReplica() = default;
  // Prompt + remaining output tokens of the requests assigned to it and not finished.
  virtual std::int64_t outstanding_tokens() const = 0;
  // How many leading `hashes` it holds: in its prefix cache, or in the prompts of requests
  // assigned to it and not finished (their prefix blocks are being computed there).
  virtual std::int64_t prefix_match_blocks(const std::vector<std::uint64_t>& hashes) const = 0;
};

class Router {
 public:
  virtual ~Router() = default;
  virtual std::string_view name() const = 0;
  // Whether it needs requests' prefix hash ids (a trace without any is refused).
  virtual bool needs_prefix_ids() const { return false; }
  // The index into `replicas` (never empty) that serves `request`.
  virtual std::size_t route(const Request& request,
                            const std::vector<const RoutableReplica*>& replicas) = 0;
};

// The router called `name`; InputError naming `where`, the known names and a did-you-mean.
std::unique_ptr<Router> make_router(const std::string& name, const std::string& where);
// "round-robin, least-outstanding, prefix-affinity".
std::string router_names_text();

// The least-outstanding choice (lowest index on ties): the others' fallback too.
std::size_t least_outstanding_replica(const std::vector<const RoutableReplica*>& replicas);

// Factories, one per file.
std::unique_ptr<Router> make_round_robin_router();
std::unique_ptr<Router> make_least_outstanding_router();
std::unique_ptr<Router> make_prefix_affinity_router();

}  // namespace maia
