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

// The same system with `chip` in place of its chip (a run's --chip / --set): its topology rebuilt
// for that chip, InputError as load_system_config's when the chip cannot form it.
SystemConfig with_chip(const SystemConfig& system, const AnyChipConfig& chip);

// One switch domain of `chip`'s NVLink (topology "switched" with every knob "chip": the GPU's
// nvlink links x gbps_per_link, latency_ns and domain_gpus chips), named "<chip>-nvlink-domain";
// InputError for a chip without NVLink. `chip_file` is recorded as the system's chip file.
SystemConfig nvlink_domain_system(const AnyChipConfig& chip, const std::string& chip_file);

}  // namespace maia
