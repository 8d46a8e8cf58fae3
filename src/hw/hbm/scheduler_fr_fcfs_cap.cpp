// fr-fcfs-cap: fr-fcfs with a cap on row-hit streaks (Mutlu and Moscibroda, MICRO 2007): after
// hbm.row_hit_cap row hits issued ahead of an older unit, the oldest unit goes next, so one
// stream's open row cannot starve the others.
#include "maia/hw/hbm/hbm_scheduler.hpp"

namespace maia {

std::size_t pick_first_ready(const HbmQueueView& q);  // scheduler_fr_fcfs.cpp

namespace {

class FrFcfsCap : public HbmScheduler {
 public:
  std::string_view name() const override { return "fr-fcfs-cap"; }
  std::string_view description() const override {
    return "fr-fcfs, but at most hbm.row_hit_cap row hits in a row pass an older unit";
  }
  bool reorders() const override { return true; }
  std::size_t pick(const HbmQueueView& q) const override {
    return q.streak >= q.row_hit_cap ? 0 : pick_first_ready(q);
  }
};

}  // namespace

std::unique_ptr<HbmScheduler> make_fr_fcfs_cap_scheduler() { return std::make_unique<FrFcfsCap>(); }

}  // namespace maia
