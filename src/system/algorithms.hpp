#pragma once
// The registered collective algorithms, one file each; collective_registry.cpp lists them. A new
// algorithm is a new file defining one of these and a line in that list.
#include <memory>

#include "maia/system/collective_algorithm.hpp"

namespace maia {

std::unique_ptr<CollectiveAlgorithm> make_ring_algorithm();
std::unique_ptr<CollectiveAlgorithm> make_direct_algorithm();
std::unique_ptr<CollectiveAlgorithm> make_hierarchical_algorithm();
std::unique_ptr<CollectiveAlgorithm> make_tree_algorithm();

}  // namespace maia
