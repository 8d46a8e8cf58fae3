// fr-fcfs: first ready, first come, first served (Rixner et al., ISCA 2000): the oldest unit
// that has arrived and finds its row open goes first; without one, the unit whose data can start
// soonest (the oldest on a tie).
#include "maia/hw/hbm/hbm_scheduler.hpp"

namespace maia {

// First ready: the oldest arrived row hit whose column command can issue at the next bus slot
// (not held back by tCCD_L or a turnaround); without one, the unit whose first column command
// can issue soonest (after its PRE and ACT where it needs them), the oldest on a tie, so that a
// unit waiting for a busy bank (tRC, tRAS + tRP) or bank group does not hold up the others.
// Shared with fr-fcfs-cap.
std::size_t pick_first_ready(const HbmQueueView& q) {
  for (std::size_t i = 0; i < q.units.size(); ++i)
    if (q.row_hit[i] != 0 && q.ready_at[i] <= q.now) return i;
  std::size_t best = 0;
  for (std::size_t i = 1; i < q.units.size(); ++i)
    if (q.ready_at[i] < q.ready_at[best]) best = i;
  return best;
}

namespace {

class FrFcfs : public HbmScheduler {
 public:
  std::string_view name() const override { return "fr-fcfs"; }
  std::string_view description() const override {
    return "row hits first (oldest arrived hit), then the unit whose data can start first";
  }
  bool reorders() const override { return true; }
  std::size_t pick(const HbmQueueView& q) const override { return pick_first_ready(q); }
};

}  // namespace

std::unique_ptr<HbmScheduler> make_fr_fcfs_scheduler() { return std::make_unique<FrFcfs>(); }

}  // namespace maia
