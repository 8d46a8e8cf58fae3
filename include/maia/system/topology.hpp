#pragma once
// How the chips of a system are connected, as the analytical collective model sees it. A topology
// describes the group formed by ranks 0..n-1 (ranks are numbered tray by tray, switch by switch)
// as a list of tiers, innermost first: the ranks one tier joins, the latency of a message across
// it and the bandwidth each rank gets across it. Implementations are registered by name
// (topology_registry.hpp); each lives in one file of src/system/.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "maia/system/network_spec.hpp"

namespace maia {

// The link class a tier's traffic uses: tiers on the same resource share its bandwidth when the
// phases of a pipelined collective overlap (T0 and T1 both use the scale-out ports).
enum class LinkResource { kTrayLinks, kScaleOutPorts, kSwitchPorts };

struct Tier {
  std::string name;  // "tray", "t0", "t1", "switch"
  LinkResource resource = LinkResource::kSwitchPorts;
  std::int64_t span = 1;         // groups of the tier below (or ranks, innermost) this tier joins
  double latency_ns = 0;         // one message across this tier, memory to memory, one way
  double gbytes_per_s = 0;       // per rank per direction when every rank sends across this tier
                                 // at once, equal shares to each peer (oversubscription included)
  double edge_gbytes_per_s = 0;  // one flow per rank along a ring edge of this tier
};

// One exchange of a recursive-doubling step: every rank r talks to r XOR offset at once.
struct PairHop {
  double latency_ns = 0;
  double gbytes_per_s = 0;
};

class Topology {
 public:
  virtual ~Topology() = default;
  virtual std::string_view name() const = 0;
  // Chips in the system.
  virtual std::int64_t chips() const = 0;
  // Tiers of the group of ranks 0..n-1, innermost first (none for n = 1); InputError when n
  // exceeds chips() or does not fill whole groups of a tier ("where" names the asker).
  virtual std::vector<Tier> tiers(std::int64_t n, const std::string& where) const = 0;
  // The exchange between r and r XOR offset inside the group of n ranks (offset < n).
  virtual PairHop pair(std::int64_t n, std::int64_t offset) const = 0;
  // The links and switches joining ranks 0..n-1 (same group rules and errors as tiers()).
  virtual NetworkSpec network(std::int64_t n, const std::string& where) const = 0;
  // One line for tables: what the system is.
  virtual std::string summary() const = 0;
};

}  // namespace maia
