// direct: every rank sends each peer its share at once (docs/systems.md, direct).
//   all-reduce      shares B/n to their owners; each owner reduces its (n-1) received shares;
//                   then sends the reduced share to every peer
//   reduce-scatter  the first half;  all-gather: each rank its B/n to every peer;
//   all-to-all      B/n to every peer;  broadcast: rank 0 sends B to every peer
#include "maia/netsim/collective_schedule.hpp"

namespace maia {
namespace {

class DirectSchedule : public ScheduleBuilder {
 public:
  std::string_view name() const override { return "direct"; }
  Schedule build(const ScheduleQuery& q) const override {
    Schedule s;
    const std::int64_t n = q.ranks;
    auto share = [&](std::int64_t i) { return split_bytes(q.bytes, n, i); };
    switch (q.op) {
      case CollectiveOp::kAllReduce:
      case CollectiveOp::kReduceScatter: {
        std::vector<std::vector<std::uint32_t>> in(static_cast<std::size_t>(n));
        for (std::int64_t r = 0; r < n; ++r)
          for (std::int64_t p = 0; p < n; ++p)
            if (p != r) in[static_cast<std::size_t>(p)].push_back(s.send(r, p, share(p)));
        for (std::int64_t p = 0; p < n; ++p) {
          const std::uint32_t red = s.reduce(p, static_cast<std::uint64_t>(n - 1) * share(p),
                                             in[static_cast<std::size_t>(p)]);
          if (q.op == CollectiveOp::kAllReduce)
            for (std::int64_t r = 0; r < n; ++r)
              if (r != p) s.send(p, r, share(p), {red});
        }
        break;
      }
      case CollectiveOp::kAllGather:
      case CollectiveOp::kAllToAll:
        for (std::int64_t r = 0; r < n; ++r)
          for (std::int64_t p = 0; p < n; ++p)
            if (p != r) s.send(r, p, q.op == CollectiveOp::kAllGather ? share(r) : share(p));
        break;
      case CollectiveOp::kBroadcast:
        for (std::int64_t p = 1; p < n; ++p) s.send(0, p, q.bytes);
        break;
      case CollectiveOp::kSendRecv:
        break;
    }
    return s;
  }
};

}  // namespace

std::unique_ptr<ScheduleBuilder> make_direct_schedule() {
  return std::make_unique<DirectSchedule>();
}

}  // namespace maia
