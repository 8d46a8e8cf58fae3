#pragma once
// The analytical collective model: the registered algorithms, `auto` (the fastest the model
// predicts, as a collectives library's tuner picks: latency-bound algorithms win small messages,
// bandwidth-optimal ones large), and the topology's bound for an op.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maia/config/any_chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/system/collective_algorithm.hpp"

namespace maia {

// Every registered algorithm, in registration order (ring, direct, hierarchical, tree).
const std::vector<std::unique_ptr<CollectiveAlgorithm>>& collective_algorithms();
// The algorithm called `name`; InputError naming `where`, the known names and a did-you-mean.
const CollectiveAlgorithm& find_collective_algorithm(const std::string& name,
                                                     const std::string& where);
// "ring, direct, hierarchical, tree".
std::string collective_algorithm_names_text();

// Element-wise reduction rate of one chip in `dtype`, GB/s of operand: Maia's TVP lanes
// (tile.tvp lanes_16bit for <= 16-bit types, lanes_fp32 for FP32) x enabled tiles x clock; a GPU's
// sm.fp32_lanes x SMs x clock.
double reduce_gbytes_per_s(const AnyChipConfig& chip, DType dtype);

struct CollectiveEstimate {
  std::string algorithm;  // the one that ran (auto resolved)
  double time_ns = 0;
  double algbw_gbps = 0;    // bytes / time
  double busbw_gbps = 0;    // algbw x busbw_factor
  double bound_gbps = 0;    // the topology's best busbw for this op and group
  int pipeline_chunks = 1;  // slices the algorithm pipelines the message in
};

// Times `op` of `bytes` on ranks 0..ranks-1 with `algorithm` ("auto" or a name). InputError when
// the group does not fit the topology or the named algorithm cannot run the op there.
CollectiveEstimate estimate_collective(const Topology& topology, const AnyChipConfig& chip,
                                       CollectiveOp op, std::int64_t ranks, double bytes,
                                       DType dtype, const std::string& algorithm);

}  // namespace maia
