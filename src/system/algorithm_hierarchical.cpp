// hierarchical: tray first, then the switched tiers. An all-reduce reduce-scatters inside each
// tier from the innermost out (the tray's direct links first), all-reduces across the outermost
// tier among the ranks holding the same shard, and all-gathers back in; all-gather and
// reduce-scatter do the outer (resp. inner) half only. Each phase is direct within its tier: at
// tier i (span g_i, data entering it m_i = B / ranks below the tier)
//   W_i = (g_i - 1) (m_i / g_i) / b_i,   R_i = (g_i - 1) (m_i / g_i) / r (reducing phases)
// The message is cut into k chunks whose phases overlap (tray links, scale-out ports and the
// vector units are separate resources; phases on one resource share it):
//   T(k) = sum_p (a_p + (W_p + R_p) / k) + (k - 1) / k x max over resources (sum of its W, R)
// with k the power of two up to 256 giving the least time (the first chunk crosses every phase,
// the others follow at the busiest resource's pace).
#include <algorithm>
#include <array>
#include <limits>

#include "algorithms.hpp"
#include "collective_terms.hpp"

namespace maia {
namespace {

using namespace collective_terms;

struct Phase {
  double latency_ns;
  double wire_ns;
  double reduce_ns;
  LinkResource resource;
};

class Hierarchical : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "hierarchical"; }

  std::string unsupported(const CollectiveQuery& q) const override {
    if (q.tiers.size() < 2) return "needs a group spanning two tiers or more (trays and a switch)";
    if (q.op != CollectiveOp::kAllReduce && q.op != CollectiveOp::kAllGather &&
        q.op != CollectiveOp::kReduceScatter)
      return "runs all-reduce, all-gather and reduce-scatter only";
    return "";
  }

  double time_ns(const CollectiveQuery& q) const override {
    return pipelined(plan(q), pipeline_chunks(q));
  }

  int pipeline_chunks(const CollectiveQuery& q) const override {
    const auto phases = plan(q);
    double best = std::numeric_limits<double>::infinity();
    int best_chunks = 1;
    for (int chunks = 1; chunks <= 256; chunks *= 2) {
      const double t = pipelined(phases, chunks);
      if (t < best) {
        best = t;
        best_chunks = chunks;
      }
    }
    return best_chunks;
  }

  double bandwidth_time_ns(const CollectiveQuery& q) const override {
    return busiest_resource_ns(plan(q));
  }

 private:
  static std::vector<Phase> plan(const CollectiveQuery& q) {
    const bool reduce_down = q.op != CollectiveOp::kAllGather;
    const bool gather_up = q.op != CollectiveOp::kReduceScatter;
    std::vector<Phase> down, up;
    for (std::size_t i = 0; i < q.tiers.size(); ++i) {
      const Tier& t = q.tiers[i];
      const double g = static_cast<double>(t.span);
      const double moved = (g - 1) * (q.bytes / ranks_within(q, i, false)) / g;
      const double wire = moved / t.gbytes_per_s;
      if (reduce_down) down.push_back({t.latency_ns, wire, reduce_ns(q, moved), t.resource});
      if (gather_up) up.push_back({t.latency_ns, wire, 0.0, t.resource});
    }
    std::vector<Phase> phases = down;
    phases.insert(phases.end(), up.rbegin(), up.rend());
    return phases;
  }

  static double busiest_resource_ns(const std::vector<Phase>& phases) {
    std::array<double, 4> load{};  // the three link resources and the vector units
    for (const auto& p : phases) {
      load[static_cast<std::size_t>(p.resource)] += p.wire_ns;
      load[3] += p.reduce_ns;
    }
    return *std::max_element(load.begin(), load.end());
  }

  static double pipelined(const std::vector<Phase>& phases, int chunks) {
    const double k = chunks;
    double first = 0;
    for (const auto& p : phases) first += p.latency_ns + (p.wire_ns + p.reduce_ns) / k;
    return first + (k - 1) / k * busiest_resource_ns(phases);
  }
};

}  // namespace

std::unique_ptr<CollectiveAlgorithm> make_hierarchical_algorithm() {
  return std::make_unique<Hierarchical>();
}

}  // namespace maia
