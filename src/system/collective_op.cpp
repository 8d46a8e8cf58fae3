#include "maia/system/collective_op.hpp"

#include <array>
#include <utility>

namespace maia {
namespace {

struct OpName {
  CollectiveOp op;
  std::string_view name;     // as reported
  std::string_view compact;  // as typed on the command line
};

constexpr std::array<OpName, 6> kOps = {{
    {CollectiveOp::kAllReduce, "all_reduce", "allreduce"},
    {CollectiveOp::kAllGather, "all_gather", "allgather"},
    {CollectiveOp::kReduceScatter, "reduce_scatter", "reducescatter"},
    {CollectiveOp::kAllToAll, "all_to_all", "alltoall"},
    {CollectiveOp::kBroadcast, "broadcast", "broadcast"},
    {CollectiveOp::kSendRecv, "send_recv", "sendrecv"},
}};

}  // namespace

std::string_view collective_op_name(CollectiveOp op) {
  for (const auto& o : kOps)
    if (o.op == op) return o.name;
  return "?";
}

std::optional<CollectiveOp> parse_collective_op(std::string_view text) {
  for (const auto& o : kOps)
    if (text == o.name || text == o.compact) return o.op;
  return std::nullopt;
}

std::string_view collective_op_names_text() {
  return "allreduce, allgather, reducescatter, alltoall, broadcast, sendrecv";
}

double busbw_factor(CollectiveOp op, std::int64_t ranks) {
  const double n = static_cast<double>(ranks);
  switch (op) {
    case CollectiveOp::kAllReduce:
      return 2.0 * (n - 1) / n;
    case CollectiveOp::kAllGather:
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllToAll:
      return (n - 1) / n;
    case CollectiveOp::kBroadcast:
    case CollectiveOp::kSendRecv:
      return 1.0;
  }
  return 1.0;
}

bool collective_reduces(CollectiveOp op) {
  return op == CollectiveOp::kAllReduce || op == CollectiveOp::kReduceScatter;
}

}  // namespace maia
