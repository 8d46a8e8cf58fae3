#pragma once
// The collective operations and how nccl-tests reports them: what the "size" of a message is for
// each op and the bus-bandwidth factor that turns algorithm bandwidth into the bandwidth each
// rank's links must carry (so that one figure compares across rank counts).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maia {

enum class CollectiveOp {
  kAllReduce,
  kAllGather,
  kReduceScatter,
  kAllToAll,
  kBroadcast,
  kSendRecv
};

// "all_reduce", ...
std::string_view collective_op_name(CollectiveOp op);
// Accepts "allreduce" and "all_reduce" spellings; nullopt for anything else.
std::optional<CollectiveOp> parse_collective_op(std::string_view text);
// "allreduce, allgather, reducescatter, alltoall, broadcast, sendrecv".
std::string_view collective_op_names_text();
// busbw = algbw x factor: all-reduce 2(n-1)/n; all-gather, reduce-scatter, all-to-all (n-1)/n;
// broadcast and send/recv 1.
double busbw_factor(CollectiveOp op, std::int64_t ranks);
// True for the ops that reduce (they run the reduction on the chip's vector units).
bool collective_reduces(CollectiveOp op);

}  // namespace maia
