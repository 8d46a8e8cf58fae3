#pragma once
// The registered topology kinds, one file each; topology_registry.cpp lists them. A new topology
// is a new file defining one of these and a line in that list.
#include "maia/system/topology_registry.hpp"

namespace maia {

TopologyKind fcq_tray_topology();
TopologyKind maia_cluster_topology();
TopologyKind switched_topology();

// The Maia chip of a build; InputError "<where>: chip: topology X needs a maia chip ..." for
// another kind.
const ChipConfig& maia_chip_of(const TopologyBuild& b, const std::string& topology);

}  // namespace maia
