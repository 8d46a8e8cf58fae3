#include "maia/kernels/system_collective.hpp"

#include <algorithm>

namespace maia {

CollectiveOp collective_op_of(CollectiveKind kind) {
  switch (kind) {
    case CollectiveKind::kAllReduce:
      return CollectiveOp::kAllReduce;
    case CollectiveKind::kAllGather:
      return CollectiveOp::kAllGather;
    case CollectiveKind::kAllToAll:
      return CollectiveOp::kAllToAll;
  }
  return CollectiveOp::kAllReduce;
}

double collective_message_bytes(const CollectiveShape& c) {
  return static_cast<double>(dtype_bytes(c.dtype, static_cast<std::uint64_t>(c.elements)));
}

OpMeasurement time_system_collective(const CollectiveTimer& timer, const Operator& op) {
  const auto& c = std::get<CollectiveShape>(op.shape);
  const CollectiveOp kind = collective_op_of(c.kind);
  const double bytes = collective_message_bytes(c);
  const CollectiveTiming t = timer.time(kind, c.ranks, bytes, c.dtype);
  OpMeasurement m;
  m.name = op.name;
  m.layer = op.layer;
  m.kind = std::string(op.kind());
  m.signature = op.signature;
  m.time_ns = t.time_ns;
  m.finish_ns = t.time_ns;
  m.flops = static_cast<double>(op.cost.flops);
  m.hbm_bytes = static_cast<double>(op.cost.activation_read_bytes + op.cost.activation_write_bytes);
  m.network_bytes = static_cast<double>(op.cost.network_bytes);
  // The bandwidth limit: the bytes each rank's links carry (busbw factor) at the bound.
  m.network_ns = t.bound_gbps > 0 ? bytes * busbw_factor(kind, c.ranks) / t.bound_gbps : 0.0;
  m.roofline_ns = m.network_ns;
  m.bound = "network";
  m.bound_utilisation = t.time_ns > 0 ? std::min(1.0, m.network_ns / t.time_ns) : 0.0;
  m.fidelity = std::string(timer.fidelity());
  m.algorithm = t.algorithm;
  m.tier = t.outer_tier;
  m.collective = std::string(collective_kind_name(c.kind));
  return m;
}

}  // namespace maia
