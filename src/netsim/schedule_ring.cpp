// ring: ranks in the query's ring order pass data to their successor, one step at a time; a rank
// sends step s once it has received (and, in reducing steps, reduced) step s - 1.
//   all-reduce      2(n-1) steps of B/n: n-1 reducing (reduce-scatter), n-1 forwarding
//   all-gather      n-1 forwarding steps;  reduce-scatter: n-1 reducing steps
//   all-to-all      step k = 1..n-1 forwards the (n-k) shares of B/n still travelling
//   broadcast       a chain from the ring's first rank, pipelined in segments
//   send/recv       every rank sends B to its successor
#include <algorithm>

#include "maia/netsim/collective_schedule.hpp"

namespace maia {
namespace {

class RingSchedule : public ScheduleBuilder {
 public:
  std::string_view name() const override { return "ring"; }
  Schedule build(const ScheduleQuery& q) const override {
    Schedule s;
    const std::int64_t n = q.ranks;
    const auto& o = q.ring;
    auto at = [&](std::int64_t i) { return o[static_cast<std::size_t>(((i % n) + n) % n)]; };
    if (q.op == CollectiveOp::kSendRecv) {
      for (std::int64_t i = 0; i < n; ++i) s.send(at(i), at(i + 1), q.bytes);
      return s;
    }
    if (q.op == CollectiveOp::kBroadcast) {
      const std::uint64_t seg = std::max<std::uint64_t>(1, q.segment_bytes);
      const std::uint64_t segments = std::max<std::uint64_t>(1, (q.bytes + seg - 1) / seg);
      for (std::uint64_t j = 0; j < segments; ++j) {
        s.group = static_cast<std::uint32_t>(j);
        const std::uint64_t b =
            split_bytes(q.bytes, static_cast<std::int64_t>(segments), static_cast<std::int64_t>(j));
        std::vector<std::uint32_t> deps;
        for (std::int64_t i = 0; i + 1 < n; ++i) deps = {s.send(at(i), at(i + 1), b, deps)};
      }
      return s;
    }
    int steps = static_cast<int>(n - 1);
    if (q.op == CollectiveOp::kAllReduce) steps *= 2;
    const int reducing = q.op == CollectiveOp::kAllReduce || q.op == CollectiveOp::kReduceScatter
                             ? static_cast<int>(n - 1)
                             : 0;
    std::vector<std::vector<std::uint32_t>> ready(static_cast<std::size_t>(n));
    for (int step = 0; step < steps; ++step) {
      std::vector<std::uint32_t> sent(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        std::uint64_t b = split_bytes(q.bytes, n, ((i - step) % n + n) % n);
        if (q.op == CollectiveOp::kAllToAll)
          b = static_cast<std::uint64_t>(n - 1 - step) * (q.bytes / static_cast<std::uint64_t>(n));
        sent[static_cast<std::size_t>(i)] =
            s.send(at(i), at(i + 1), b, ready[static_cast<std::size_t>(i)]);
      }
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t j = (i + 1) % n;
        const std::uint32_t got = sent[static_cast<std::size_t>(i)];
        ready[static_cast<std::size_t>(j)] = {
            step < reducing ? s.reduce(at(j), s.tasks[got].bytes, {got}) : got};
      }
    }
    return s;
  }
};

}  // namespace

std::unique_ptr<ScheduleBuilder> make_ring_schedule() { return std::make_unique<RingSchedule>(); }

}  // namespace maia
