#pragma once
// Terms the algorithm files share: the cost of reducing bytes, the ranks below a tier, a ring's
// pace, and one "direct" phase (every rank sends an equal share to every peer of the group at
// once, each tier's traffic on its own links).
#include <algorithm>
#include <cstdint>
#include <limits>

#include "maia/system/collective_algorithm.hpp"

namespace maia::collective_terms {

// ns to reduce `bytes` of operand on one chip (0 for ops that do not reduce).
inline double reduce_ns(const CollectiveQuery& q, double bytes) {
  return collective_reduces(q.op) ? bytes / q.reduce_gbytes_per_s : 0.0;
}

// Ranks in one group of tier i (the product of the spans of tiers 0..i-1 and i itself when
// `inclusive`).
inline double ranks_within(const CollectiveQuery& q, std::size_t i, bool inclusive) {
  double r = 1;
  for (std::size_t j = 0; j < i + (inclusive ? 1 : 0); ++j)
    r *= static_cast<double>(q.tiers[j].span);
  return r;
}

// A ring steps at the pace of its slowest edge and its longest hop.
inline double ring_latency_ns(const CollectiveQuery& q) { return q.tiers.back().latency_ns; }
inline double ring_gbytes_per_s(const CollectiveQuery& q) {
  double w = std::numeric_limits<double>::infinity();
  for (const auto& t : q.tiers) w = std::min(w, t.edge_gbytes_per_s);
  return w;
}

// One phase in which every rank sends `share` bytes to each peer (1 GB/s = 1 byte/ns): each tier
// carries its peers' shares over its own links; the slowest tier ends the phase.
inline double direct_phase_ns(const CollectiveQuery& q, double share, bool with_latency) {
  double t = 0;
  for (std::size_t i = 0; i < q.tiers.size(); ++i) {
    const double peers = ranks_within(q, i, true) - ranks_within(q, i, false);
    const double latency = with_latency ? q.tiers[i].latency_ns : 0.0;
    t = std::max(t, latency + peers * share / q.tiers[i].gbytes_per_s);
  }
  return t;
}

// Steps of recursive doubling over n ranks: ceil(log2 n).
inline int doubling_steps(std::int64_t n) {
  int k = 0;
  while ((std::int64_t{1} << k) < n) ++k;
  return k;
}

}  // namespace maia::collective_terms
