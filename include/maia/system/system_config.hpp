#pragma once
// A system: a chip config (by file, relative to the system file), a chip count, a topology chosen
// by name with its knobs, and the collective algorithm ("auto" or a name). Loaded from
// configs/systems/*.json with `extends`; every problem is an InputError naming the file, the JSON
// path, the rule and the value.
#include <cstdint>
#include <memory>
#include <string>

#include "maia/config/any_chip_config.hpp"
#include "maia/system/topology.hpp"
#include "maia/system/topology_registry.hpp"
#include "maia/system/transport_config.hpp"

namespace maia {

struct SystemConfig {
  std::string file;
  std::string name;
  std::string chip_file;  // resolved path
  AnyChipConfig chip;
  std::int64_t chips = 0;
  std::string topology_name;
  TopologyParams topology_params;
  std::string algorithm = "auto";
  TransportConfig transport;  // the network's packets (read by the detailed fidelity)
  std::shared_ptr<const Topology> topology;
};

// The largest system the simulator accepts (the spec's 6,144-chip cluster, with room).
inline constexpr std::int64_t kMaxSystemChips = 65536;

SystemConfig load_system_config(const std::string& file);

}  // namespace maia
