// direct: every rank sends each peer its share straight away, all peers at once (the fully
// connected tray's natural schedule; over switches, every tier carries its peers' shares on its
// own links). One phase D(s) = max over tiers (a_i + p_i s / b_i), p_i the peers first reached at
// tier i and b_i the tier's per-rank bandwidth with everyone sending.
//   all-reduce      D(B/n) + (n-1)(B/n)/r + D(B/n)   (reduce-scatter, then all-gather)
//   all-gather      D(B/n)
//   reduce-scatter  D(B/n) + (n-1)(B/n)/r
//   all-to-all      D(B/n)
//   broadcast       D(B)                             (the root sends the whole buffer to each)
#include "algorithms.hpp"
#include "collective_terms.hpp"

namespace maia {
namespace {

using namespace collective_terms;

class Direct : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "direct"; }
  std::string unsupported(const CollectiveQuery& q) const override {
    if (q.op == CollectiveOp::kSendRecv) return "send/recv is point to point (use ring)";
    return "";
  }
  double time_ns(const CollectiveQuery& q) const override { return cost(q, true); }
  double bandwidth_time_ns(const CollectiveQuery& q) const override { return cost(q, false); }

 private:
  static double cost(const CollectiveQuery& q, bool with_latency) {
    const double n = static_cast<double>(q.ranks);
    const double share = q.bytes / n;
    const double phase = direct_phase_ns(q, share, with_latency);
    const double reduce = reduce_ns(q, (n - 1) * share);
    switch (q.op) {
      case CollectiveOp::kAllReduce:
        return 2 * phase + reduce;
      case CollectiveOp::kReduceScatter:
        return phase + reduce;
      case CollectiveOp::kAllGather:
      case CollectiveOp::kAllToAll:
        return phase;
      case CollectiveOp::kBroadcast:
        return direct_phase_ns(q, q.bytes, with_latency);
      case CollectiveOp::kSendRecv:
        return 0;
    }
    return 0;
  }
};

}  // namespace

std::unique_ptr<CollectiveAlgorithm> make_direct_algorithm() { return std::make_unique<Direct>(); }

}  // namespace maia
