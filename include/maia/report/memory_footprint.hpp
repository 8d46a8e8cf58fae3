#pragma once
// What a run holds in one chip's device memory, as reports state it: weights, the KV cache and
// the activation workspace. Computed by the workload's capacity check (maia/workload/capacity.hpp).
#include <cstdint>

namespace maia {

struct MemoryFootprint {
  std::uint64_t weight_bytes = 0;
  std::uint64_t kv_cache_bytes = 0;
  std::uint64_t workspace_bytes = 0;
  std::uint64_t total() const { return weight_bytes + kv_cache_bytes + workspace_bytes; }
};

}  // namespace maia
