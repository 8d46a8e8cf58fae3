#pragma once
// The request queue of one pseudo-channel controller under a reordering policy: the PC's
// pending units (arrival order) enter a queue of at most hbm.queue_depth entries; the policy
// (hbm_scheduler.hpp) picks which one the PseudoChannel timing state machine issues next, and
// the next pending unit takes its place. See hbm_scheduler.hpp for how this fits the
// subsystem's unit-at-a-time interface.
#include <cstddef>
#include <cstdint>
#include <span>

#include "maia/core/time.hpp"
#include "maia/hw/hbm/hbm_scheduler.hpp"
#include "maia/hw/hbm/pseudo_channel.hpp"

namespace maia {

struct PcQueueSettings {
  const HbmScheduler* policy = nullptr;
  std::size_t depth = 1;
  std::uint32_t row_hit_cap = 1;
};

// Issues `units` (all of one PC, oldest first) on `pc` in the policy's order. For each unit,
// done[unit.request] = max(itself, the unit's data end); on_issue(unit, data end) is called in
// issue order (the subsystem's activity log). Returns the number of units issued ahead of an
// older one.
template <class OnIssue>
std::uint64_t issue_queued(PseudoChannel& pc, const PcQueueSettings& s,
                           std::span<HbmPendingUnit> units, std::span<Picos> done,
                           OnIssue&& on_issue) {
  // units[0, n) pending; the queue is its first min(depth, n) entries, kept in arrival order.
  std::uint8_t hit[512];
  Picos ready[512];
  const std::size_t cap = std::min<std::size_t>(s.depth, sizeof hit);
  std::uint64_t bypassed = 0;
  std::uint32_t streak = 0;
  std::size_t n = units.size();
  HbmPendingUnit* q = units.data();
  while (n > 0) {
    const std::size_t m = std::min(cap, n);
    Picos oldest = q[0].arrival;
    for (std::size_t i = 0; i < m; ++i) {
      hit[i] = pc.open_row(pc.bank_index(q[i].loc)) == static_cast<std::int64_t>(q[i].loc.row);
      oldest = std::min(oldest, q[i].arrival);
      ready[i] = pc.earliest_column(q[i].loc, q[i].write, q[i].arrival);
    }
    const HbmQueueView view{{q, m}, {hit, m},     {ready, m}, std::max(pc.next_column(), oldest),
                            streak, s.row_hit_cap};
    const std::size_t k = s.policy->pick(view);
    const HbmPendingUnit u = q[k];
    const Picos end = pc.access(u.loc, u.write, u.bursts, u.arrival);
    done[u.request] = std::max(done[u.request], end);
    on_issue(u, end);
    if (k > 0) {
      ++bypassed;
      streak = hit[k] != 0 ? streak + 1 : 0;
    } else {
      streak = 0;
    }
    // Remove entry k, keeping arrival order (the queue is short).
    for (std::size_t i = k; i > 0; --i) q[i] = q[i - 1];
    ++q;
    --n;
  }
  return bypassed;
}

}  // namespace maia
