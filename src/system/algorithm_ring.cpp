// ring: ranks in tray-major order pass shares to their successor, one step at a time; every step
// moves B/n per rank over the ring's slowest edge and waits for its longest hop.
//   all-reduce      2(n-1) (a + B/(n b)) + (n-1) (B/n) / r
//   all-gather      (n-1) (a + B/(n b))
//   reduce-scatter  (n-1) (a + B/(n b)) + (n-1) (B/n) / r
//   all-to-all      (n-1) a + (n-1) B / (2 b)     (step k forwards the n-k shares still travelling)
//   broadcast       (n-1) a + B / b               (pipelined chain from the root)
//   send/recv       a + B / b                     (every rank to its successor)
// a: the outermost tier's latency, b: the slowest ring edge, r: the reduction rate.
#include "algorithms.hpp"
#include "collective_terms.hpp"

namespace maia {
namespace {

using namespace collective_terms;

class Ring : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "ring"; }
  std::string unsupported(const CollectiveQuery&) const override { return ""; }
  double time_ns(const CollectiveQuery& q) const override { return cost(q, true); }
  double bandwidth_time_ns(const CollectiveQuery& q) const override { return cost(q, false); }

 private:
  static double cost(const CollectiveQuery& q, bool with_latency) {
    const double n = static_cast<double>(q.ranks);
    const double a = with_latency ? ring_latency_ns(q) : 0.0;
    const double b = ring_gbytes_per_s(q);
    const double step = a + q.bytes / n / b;
    const double reduce = (n - 1) * reduce_ns(q, q.bytes / n);
    switch (q.op) {
      case CollectiveOp::kAllReduce:
        return 2 * (n - 1) * step + reduce;
      case CollectiveOp::kAllGather:
        return (n - 1) * step;
      case CollectiveOp::kReduceScatter:
        return (n - 1) * step + reduce;
      case CollectiveOp::kAllToAll:
        return (n - 1) * a + (n - 1) * q.bytes / (2 * b);
      case CollectiveOp::kBroadcast:
        return (n - 1) * a + q.bytes / b;
      case CollectiveOp::kSendRecv:
        return a + q.bytes / b;
    }
    return 0;
  }
};

}  // namespace

std::unique_ptr<CollectiveAlgorithm> make_ring_algorithm() { return std::make_unique<Ring>(); }

}  // namespace maia
