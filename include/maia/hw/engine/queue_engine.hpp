#pragma once
// Base of every engine that runs an in-order hardware queue of macro-instructions (TTU, TVP,
// tile DMA, TCP, cluster DMA, host DMA, host command path). For each instruction it waits for
// the semaphores, pays the issue cost, executes it and signals when it completes. Compute
// engines finish an instruction before starting the next; DMA engines return once the transfer
// is issued, so the next descriptor starts while the previous one completes, and its signals
// fire at its own completion. It records busy time, semaphore-wait time and, if the queue never
// ends, where it is stuck.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "maia/core/occupancy_server.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/sync/semaphore_fabric.hpp"
#include "maia/program/program.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class QueueEngine : public sc_core::sc_module, public StatsSource {
 public:
  SC_HAS_PROCESS(QueueEngine);
  QueueEngine(sc_core::sc_module_name name, EngineKind kind, Location where, SemaphoreFabric& sync,
              OccupancyServer* issue_port, Picos issue_cost);

  EngineKind engine_kind() const { return kind_; }
  const Location& location() const { return where_; }
  // Gives this engine its queue for the next phase: before the simulation starts, or between
  // two sc_start() calls (several programs run one after another in one time base). The engine
  // starts on it at the current simulated time.
  void assign(const Program& program, const Queue& queue);
  // Forgets the queue once its phase is over (the program may then be destroyed).
  void unassign();
  bool finished() const { return queue_ == nullptr || done_; }
  // Why this engine has not finished: the instruction it is on and what it waits for.
  std::string stuck_report() const;

  // Start and end of every completed instruction, in queue order.
  const std::vector<Reservation>& spans() const { return spans_; }
  // Time with at least one instruction in flight: the measure of the union of the spans (a DMA
  // queue overlaps its instructions, so their lengths summed would count time twice). Over all
  // phases; phase_busy_ps() over the current (or last) phase only.
  Picos busy_ps() const { return busy_ps_; }
  Picos phase_busy_ps() const { return phase_busy_ps_; }
  // End of the current (or last) phase's final instruction.
  Picos finish_ps() const { return finish_ps_; }
  void collect_stats(std::vector<StatGroup>& out) const override;

 protected:
  // Runs one instruction (may wait in simulated time) and returns its completion time: now for
  // an engine that blocks until done, later for one that has only issued the work.
  virtual Picos execute(const Instruction& in) = 0;
  // Engine-specific statistics appended to the engine's group.
  virtual void add_stats(StatGroup&) const {}
  // Advances simulated time to `t` (no-op when t is not in the future).
  static void wait_until(Picos t);
  const Program& program() const { return *program_; }
  const Buffer& buffer(const BufferRef& r) const {
    return program_->buffers[static_cast<std::size_t>(r.buffer)];
  }

 private:
  void run();
  void run_queue();

  EngineKind kind_;
  Location where_;
  SemaphoreFabric& sync_;
  OccupancyServer* issue_port_;
  Picos issue_cost_;
  const Program* program_ = nullptr;
  const Queue* queue_ = nullptr;
  std::size_t next_ = 0;
  bool done_ = false;
  std::uint64_t executed_ = 0;  // over all phases
  sc_core::sc_event assigned_;
  bool waiting_ = false;
  std::vector<Reservation> spans_;
  Picos busy_ps_ = 0, phase_busy_ps_ = 0, sem_wait_ps_ = 0, issue_ps_ = 0, first_start_ = -1,
        finish_ps_ = 0;
  Picos last_done_ = 0;  // latest completion so far (busy time counts the union of spans)
};

}  // namespace maia
