#pragma once
// The chip's hardware semaphores for one program. An instruction waits until every semaphore it
// names holds at least the requested count, then takes those counts atomically. A signal is
// delivered to the semaphore's home (tile, cluster or host) after the control-path latency the
// chip computes, so cross-tile synchronisation costs what the control plane costs.
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include <systemc>

#include "maia/core/time.hpp"
#include "maia/program/program.hpp"

namespace maia {

class SemaphoreFabric : public sc_core::sc_module {
 public:
  using LatencyFn = std::function<Picos(const Location& from, const Location& home, Picos at)>;

  SC_HAS_PROCESS(SemaphoreFabric);
  SemaphoreFabric(sc_core::sc_module_name name, LatencyFn latency);

  void configure(const std::vector<SemaphoreDecl>& decls);
  // Blocks the calling SystemC thread until all `ops` can be taken, then takes them.
  void acquire(const std::vector<SemaphoreOp>& ops);
  // Sends the signals from `from` at time `at` (>= now); each lands after its control-path
  // latency.
  void release(const std::vector<SemaphoreOp>& ops, const Location& from, Picos at);

  std::int64_t value(int sem) const { return values_[static_cast<std::size_t>(sem)]; }
  const SemaphoreDecl& decl(int sem) const { return decls_[static_cast<std::size_t>(sem)]; }
  std::uint64_t signals_sent() const { return signals_sent_; }
  bool can_acquire(const std::vector<SemaphoreOp>& ops) const;

 private:
  struct Pending {
    Picos at;
    std::uint64_t seq;  // FIFO among equal times, for determinism
    int sem;
    std::int64_t count;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void deliver();  // SC_METHOD

  LatencyFn latency_;
  std::vector<SemaphoreDecl> decls_;
  std::vector<std::int64_t> values_;
  std::vector<std::unique_ptr<sc_core::sc_event>> changed_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending_;
  sc_core::sc_event wake_;
  std::uint64_t seq_ = 0, signals_sent_ = 0;
};

}  // namespace maia
