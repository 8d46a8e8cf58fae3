#pragma once
// Tile control processor. Besides issuing every macro-instruction of its tile (the issue port the
// other engines reserve), it runs its own queue of scalar work (address generation, loop control).
#include "maia/hw/engine/queue_engine.hpp"

namespace maia {

class Tcp : public QueueEngine {
 public:
  Tcp(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync, OccupancyServer* issue,
      Picos issue_cost, double clock_ghz)
      : QueueEngine(name, EngineKind::kTcp, std::move(where), sync, issue, issue_cost),
        clock_ghz_(clock_ghz) {}

 protected:
  Picos execute(const Instruction& in) override {
    wait_until(now_ps() + cycles_to_ps(static_cast<double>(in.cycles), clock_ghz_));
    return now_ps();
  }

 private:
  double clock_ghz_;
};

}  // namespace maia
