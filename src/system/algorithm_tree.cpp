// tree: the latency-optimal family, ceil(log2 n) steps; in step k every rank r exchanges with
// r XOR 2^k (the topology gives that hop's latency a_k and bandwidth b_k).
//   all-reduce      recursive doubling:  sum_k (a_k + B / b_k + B / r)
//   all-gather      recursive doubling:  sum_k (a_k + 2^k (B/n) / b_k)
//   reduce-scatter  recursive halving:   sum_j (a + B/2^(j+1) / b + B/2^(j+1) / r), offsets
//                                        from 2^(K-1) down
//   all-to-all      Bruck:               sum_k (a_k + (B/2) / b_k)
//   broadcast       binomial tree:       sum_k (a_k + B / b_k)
// For n not a power of two the steps are those of the next power of two (an approximation).
#include "algorithms.hpp"
#include "collective_terms.hpp"

namespace maia {
namespace {

using namespace collective_terms;

class Tree : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "tree"; }
  std::string unsupported(const CollectiveQuery& q) const override {
    if (q.op == CollectiveOp::kSendRecv) return "send/recv is point to point (use ring)";
    return "";
  }
  double time_ns(const CollectiveQuery& q) const override { return cost(q, true); }
  double bandwidth_time_ns(const CollectiveQuery& q) const override { return cost(q, false); }

 private:
  static double cost(const CollectiveQuery& q, bool with_latency) {
    const int steps = doubling_steps(q.ranks);
    const double n = static_cast<double>(q.ranks);
    const double b = q.bytes;
    double t = 0;
    for (int k = 0; k < steps; ++k) {
      const bool halving = q.op == CollectiveOp::kReduceScatter;
      const std::int64_t offset = std::int64_t{1} << (halving ? steps - 1 - k : k);
      const PairHop hop = q.topology->pair(q.ranks, offset);
      double sent = 0;
      switch (q.op) {
        case CollectiveOp::kAllReduce:
        case CollectiveOp::kBroadcast:
          sent = b;
          break;
        case CollectiveOp::kAllGather:
          sent = static_cast<double>(std::int64_t{1} << k) * b / n;
          break;
        case CollectiveOp::kReduceScatter:
          sent = b / static_cast<double>(std::int64_t{2} << k);
          break;
        case CollectiveOp::kAllToAll:
          sent = b / 2;
          break;
        case CollectiveOp::kSendRecv:
          break;
      }
      t += (with_latency ? hop.latency_ns : 0.0) + sent / hop.gbytes_per_s + reduce_ns(q, sent);
    }
    return t;
  }
};

}  // namespace

std::unique_ptr<CollectiveAlgorithm> make_tree_algorithm() { return std::make_unique<Tree>(); }

}  // namespace maia
