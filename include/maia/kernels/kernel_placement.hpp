#pragma once
// Where a kernel puts its data, so that two operators' programs can share a phase: the next
// operator's weights are prefetched into its own CSRAM region while the current one runs.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "maia/program/program.hpp"

namespace maia {

struct KernelPlacement {
  std::uint64_t hbm_base = 0;     // first HBM byte of the kernel's tensors
  std::uint64_t csram_base = 0;   // first CSRAM byte (every cluster) of its staging buffers
  std::uint64_t csram_bytes = 0;  // CSRAM it may use from csram_base (0: to the end)
  // TSRAM (every tile) it may use from address 0 (0: all of it); overlapped operators each get a
  // window of TSRAM and are moved to it afterwards (maia/compiler/program_footprint.hpp).
  std::uint64_t tsram_bytes = 0;
};

// The TSRAM a kernel may use on `tsram_total` bytes of TSRAM per tile.
inline std::uint64_t tsram_budget(const KernelPlacement& p, std::uint64_t tsram_total) {
  return p.tsram_bytes ? std::min(p.tsram_bytes, tsram_total) : tsram_total;
}

// One HBM -> CSRAM copy that a kernel needs done before it starts.
struct PrefetchCopy {
  int cluster = 0;
  std::uint64_t hbm_addr = 0;
  std::uint64_t csram_addr = 0;
  std::uint64_t bytes = 0;
};

// Appends `copies` to `program` as cluster DMA copies on each cluster's last DMA queue, ahead of
// what that queue already does, declaring the HBM and CSRAM regions they touch.
void add_prefetch(Program& program, const std::vector<PrefetchCopy>& copies, int dma_queues);

}  // namespace maia
