#pragma once
// A collective algorithm's real message schedule: every send (rank -> peer, bytes) and every
// reduction (rank, bytes of operand), each with the tasks it waits for (a rank forwards data only
// after receiving and reducing it). The detailed fidelity runs it through the network
// (collective_engine.hpp). Builders are registered by the analytical algorithms' names (ring,
// direct, hierarchical, tree), one file each.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maia/system/collective_op.hpp"
#include "maia/system/topology.hpp"

namespace maia {

struct ScheduleTask {
  enum class Kind { kSend, kReduce };
  Kind kind = Kind::kSend;
  std::int32_t rank = 0;  // sender, or the rank reducing
  std::int32_t peer = 0;  // receiver (sends)
  std::uint64_t bytes = 0;
  std::vector<std::uint32_t> deps;
  // Sends a rank issues at one instant go out together, group by group: the chunks of one
  // group's messages share the ports in turn, a later group queues behind (a pipelined
  // algorithm's slices: slice j + 1 follows slice j instead of every slice crawling at once).
  std::uint32_t group = 0;
};

struct Schedule {
  std::vector<ScheduleTask> tasks;
  std::uint32_t group = 0;  // given to the tasks added from now on

  std::uint32_t send(std::int64_t from, std::int64_t to, std::uint64_t bytes,
                     std::vector<std::uint32_t> deps = {});
  std::uint32_t reduce(std::int64_t rank, std::uint64_t bytes, std::vector<std::uint32_t> deps);
  // Bytes of all sends.
  std::uint64_t sent_bytes() const;
};

struct ScheduleQuery {
  CollectiveOp op = CollectiveOp::kAllReduce;
  std::int64_t ranks = 2;
  std::uint64_t bytes = 0;          // nccl-tests size
  std::vector<Tier> tiers;          // of the group, innermost first
  std::vector<std::int64_t> ring;   // ring order of the ranks (best tray links first)
  int pipeline_chunks = 1;          // slices (hierarchical)
  std::uint64_t segment_bytes = 0;  // pipelined broadcast segment (the NIC DMA chunk)
};

class ScheduleBuilder {
 public:
  virtual ~ScheduleBuilder() = default;
  virtual std::string_view name() const = 0;
  virtual Schedule build(const ScheduleQuery& q) const = 0;
};

std::unique_ptr<ScheduleBuilder> make_direct_schedule();
std::unique_ptr<ScheduleBuilder> make_ring_schedule();
std::unique_ptr<ScheduleBuilder> make_hierarchical_schedule();
std::unique_ptr<ScheduleBuilder> make_tree_schedule();

// The builder for algorithm `name`; InputError naming `where` and the known names otherwise.
const ScheduleBuilder& find_schedule_builder(const std::string& name, const std::string& where);

// Part i of `bytes` cut into n nearly equal parts (the first bytes % n parts one byte longer).
inline std::uint64_t split_bytes(std::uint64_t bytes, std::int64_t n, std::int64_t i) {
  const auto un = static_cast<std::uint64_t>(n);
  return bytes / un + (static_cast<std::uint64_t>(i) < bytes % un ? 1 : 0);
}

}  // namespace maia
