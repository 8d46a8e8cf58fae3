#pragma once
// A collective algorithm of the analytical model: closed-form time of one op on one group of
// ranks from the topology's tiers (alpha-beta per step: latency + bytes / the bottleneck
// bandwidth), with reductions at the chip's vector rate. Implementations are registered by name
// (collective_registry.hpp); each lives in one file of src/system/.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "maia/system/collective_op.hpp"
#include "maia/system/topology.hpp"

namespace maia {

struct CollectiveQuery {
  CollectiveOp op = CollectiveOp::kAllReduce;
  std::int64_t ranks = 1;
  double bytes = 0;  // nccl-tests size: the whole buffer (all-gather: the output)
  const Topology* topology = nullptr;
  std::vector<Tier> tiers;         // of ranks 0..ranks-1, innermost first
  double reduce_gbytes_per_s = 0;  // element-wise reduction rate of one chip in the datatype
};

class CollectiveAlgorithm {
 public:
  virtual ~CollectiveAlgorithm() = default;
  virtual std::string_view name() const = 0;
  // Why this algorithm cannot run the query ("" when it can).
  virtual std::string unsupported(const CollectiveQuery& q) const = 0;
  // Time of the collective, ns.
  virtual double time_ns(const CollectiveQuery& q) const = 0;
  // The same with every latency zero and the phases ideally overlapped: its bandwidth limit.
  virtual double bandwidth_time_ns(const CollectiveQuery& q) const = 0;
  // Slices the message is cut into and pipelined through the phases (1: not pipelined); the
  // detailed fidelity runs the same slicing.
  virtual int pipeline_chunks(const CollectiveQuery&) const { return 1; }
};

}  // namespace maia
