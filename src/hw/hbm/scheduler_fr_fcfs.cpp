// fr-fcfs: first ready, first come, first served (Rixner et al., ISCA 2000): the oldest unit
// that has arrived and finds its row open goes first; without one, the oldest unit.
#include "maia/hw/hbm/hbm_scheduler.hpp"

namespace maia {

// The oldest arrived row hit of `q`, or 0 (the oldest unit) when there is none. Shared with
// fr-fcfs-cap.
std::size_t pick_first_ready(const HbmQueueView& q) {
  for (std::size_t i = 0; i < q.units.size(); ++i)
    if (q.row_hit[i] != 0 && q.units[i].arrival <= q.now) return i;
  return 0;
}

namespace {

class FrFcfs : public HbmScheduler {
 public:
  std::string_view name() const override { return "fr-fcfs"; }
  std::string_view description() const override {
    return "row hits first (oldest arrived hit), then the oldest unit";
  }
  bool reorders() const override { return true; }
  std::size_t pick(const HbmQueueView& q) const override { return pick_first_ready(q); }
};

}  // namespace

std::unique_ptr<HbmScheduler> make_fr_fcfs_scheduler() { return std::make_unique<FrFcfs>(); }

}  // namespace maia
