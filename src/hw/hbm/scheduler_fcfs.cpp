// fcfs: first come, first served; the in-order controller.
#include "maia/hw/hbm/hbm_scheduler.hpp"

namespace maia {
namespace {

class Fcfs : public HbmScheduler {
 public:
  std::string_view name() const override { return "fcfs"; }
  std::string_view description() const override {
    return "in order: the oldest unit first, whatever rows are open";
  }
  bool reorders() const override { return false; }
  std::size_t pick(const HbmQueueView&) const override { return 0; }
};

}  // namespace

std::unique_ptr<HbmScheduler> make_fcfs_scheduler() { return std::make_unique<Fcfs>(); }

}  // namespace maia
