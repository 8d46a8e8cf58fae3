#pragma once
// Collectives over the chips of a tray (tensor parallelism), as one chip's program; every chip of
// the group runs the same one, so the peers' traffic mirrors this chip's (maia/hw/nic/nic_dma.hpp).
// The tray is fully connected: peer p of this chip is reached over NIC port group p.
//   all_reduce = reduce-scatter + all-gather. The buffer is cut into N shards of B / N; this chip
//     owns one. Reduce-scatter: nic.dma<p> sends peer p its shard of the local partial sums and
//     receives this chip's shard of the peer's, all N - 1 peers in parallel. The TVP then adds
//     the N shards (a vector kernel: HBM -> CSRAM -> TSRAM -> TVP -> HBM) once all have arrived
//     (a TCP chain on c0.t0 releases every cluster's first HBM load). All-gather: each nic.dma<p>
//     sends the reduced shard to peer p, once every store of the sum is done, and receives the
//     peer's reduced shard.
//   all_gather = the all-gather phase alone, of the chip's shard of B / N.
// Time on the links: each phase sends B / N to each peer over its group of ports, so an
// all-reduce needs at least 2 (B / N) / (slowest group's bandwidth) plus two link latencies.
#include <cstdint>

#include "maia/config/chip_config.hpp"
#include "maia/kernels/kernel_placement.hpp"
#include "maia/program/program.hpp"
#include "maia/workload/operator.hpp"

namespace maia {

struct CollectiveSpec {
  CollectiveShape shape;
  KernelPlacement place;
};

// InputError when the ranks exceed the tray (tensor_parallel_limit) or the elements do not
// divide by the ranks.
Program build_collective_kernel(const ChipConfig& chip, const CollectiveSpec& spec);

// Whether build_collective_kernel runs `c`: an all-reduce or all-gather over at most
// tensor_parallel_limit(chip) ranks (an all-to-all, or a larger group, needs a system's
// collective timer: maia/kernels/system_collective.hpp).
bool tray_collective_program_runs(const ChipConfig& chip, const CollectiveShape& c);

// The largest tensor-parallel group of one chip and its directly linked tray peers: 1 + the
// leading nic.tray_links groups that have ports.
std::int64_t tensor_parallel_limit(const ChipConfig& chip);

// Bandwidth of the slowest of the port groups to the first `peers` tray peers, GB/s.
double tray_group_gbytes_per_s(const ChipConfig& chip, std::int64_t peers);

}  // namespace maia
