// tree: ceil(log2 n) steps, in step k every rank r exchanges with r XOR 2^k (partners beyond the
// group skip the step).
//   all-reduce      recursive doubling: send B, reduce B received
//   all-gather      recursive doubling: send the 2^k shares of B/n gathered so far
//   reduce-scatter  recursive halving (offsets from 2^(K-1) down): send B/2^(j+1), reduce it
//   all-to-all      send B/2 per step (Bruck's volume)
//   broadcast       binomial tree from rank 0: in step k, ranks below 2^k send B to r + 2^k
#include "maia/netsim/collective_schedule.hpp"

namespace maia {
namespace {

class TreeSchedule : public ScheduleBuilder {
 public:
  std::string_view name() const override { return "tree"; }
  Schedule build(const ScheduleQuery& q) const override {
    Schedule s;
    const std::int64_t n = q.ranks;
    int steps = 0;
    while ((std::int64_t{1} << steps) < n) ++steps;
    std::vector<std::vector<std::uint32_t>> ready(static_cast<std::size_t>(n));
    auto rdy = [&](std::int64_t r) -> std::vector<std::uint32_t>& {
      return ready[static_cast<std::size_t>(r)];
    };
    if (q.op == CollectiveOp::kBroadcast) {
      for (int k = 0; k < steps; ++k)
        for (std::int64_t r = 0; r < (std::int64_t{1} << k); ++r) {
          const std::int64_t p = r + (std::int64_t{1} << k);
          if (p < n) rdy(p) = {s.send(r, p, q.bytes, rdy(r))};
        }
      return s;
    }
    for (int k = 0; k < steps; ++k) {
      const bool halving = q.op == CollectiveOp::kReduceScatter;
      const std::int64_t offset = std::int64_t{1} << (halving ? steps - 1 - k : k);
      std::uint64_t b = q.bytes;
      if (q.op == CollectiveOp::kAllGather)
        b = (std::uint64_t{1} << k) * (q.bytes / static_cast<std::uint64_t>(n));
      if (halving) b = q.bytes >> (k + 1);
      if (q.op == CollectiveOp::kAllToAll) b = q.bytes / 2;
      std::vector<std::int64_t> from(static_cast<std::size_t>(n), -1);
      std::vector<std::uint32_t> sent(static_cast<std::size_t>(n));
      for (std::int64_t r = 0; r < n; ++r) {
        const std::int64_t p = r ^ offset;
        if (p >= n) continue;
        sent[static_cast<std::size_t>(r)] = s.send(r, p, b, rdy(r));
        from[static_cast<std::size_t>(p)] = r;
      }
      for (std::int64_t r = 0; r < n; ++r) {
        const std::int64_t src = from[static_cast<std::size_t>(r)];
        if (src < 0) continue;
        const std::uint32_t got = sent[static_cast<std::size_t>(src)];
        rdy(r) = {collective_reduces(q.op) ? s.reduce(r, b, {got}) : got};
      }
    }
    return s;
  }
};

}  // namespace

std::unique_ptr<ScheduleBuilder> make_tree_schedule() { return std::make_unique<TreeSchedule>(); }

}  // namespace maia
