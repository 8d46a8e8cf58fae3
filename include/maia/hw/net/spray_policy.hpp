#pragma once
// How a packet picks one of the parallel link directions its route allows at a hop (several
// ports to a tray peer; ports and planes to the switches; up ports to the T1s): an interface with
// implementations registered by name (round-robin, least-loaded), one file each.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maia/hw/net/link_direction.hpp"

namespace maia {

class SprayPolicy {
 public:
  virtual ~SprayPolicy() = default;
  virtual std::string_view name() const = 0;
  // Index into `candidates` (never empty); `turn` is this hop's own counter (node, destination),
  // which the policy may advance.
  virtual std::size_t pick(const std::vector<LinkDirection*>& candidates,
                           std::uint64_t& turn) const = 0;
};

std::unique_ptr<SprayPolicy> make_round_robin_spray();
std::unique_ptr<SprayPolicy> make_least_loaded_spray();

// The policy called `name`; InputError naming `where` and the known names otherwise.
std::unique_ptr<SprayPolicy> make_spray_policy(const std::string& name, const std::string& where);
// "round-robin, least-loaded".
std::string spray_policy_names_text();

}  // namespace maia
