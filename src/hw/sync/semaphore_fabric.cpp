#include "maia/hw/sync/semaphore_fabric.hpp"

namespace maia {

SemaphoreFabric::SemaphoreFabric(sc_core::sc_module_name name, LatencyFn latency)
    : sc_module(name), latency_(std::move(latency)) {
  SC_METHOD(deliver);
  sensitive << wake_;
  dont_initialize();
}

void SemaphoreFabric::configure(const std::vector<SemaphoreDecl>& decls) {
  decls_ = decls;
  values_.clear();
  changed_.clear();
  for (const auto& d : decls_) {
    values_.push_back(d.initial);
    changed_.push_back(std::make_unique<sc_core::sc_event>());
  }
}

bool SemaphoreFabric::can_acquire(const std::vector<SemaphoreOp>& ops) const {
  for (const auto& op : ops)
    if (values_[static_cast<std::size_t>(op.semaphore)] < op.count) return false;
  return true;
}

void SemaphoreFabric::acquire(const std::vector<SemaphoreOp>& ops) {
  while (!can_acquire(ops)) {
    sc_core::sc_event_or_list any;
    for (const auto& op : ops)
      if (values_[static_cast<std::size_t>(op.semaphore)] < op.count)
        any |= *changed_[static_cast<std::size_t>(op.semaphore)];
    sc_core::wait(any);
  }
  for (const auto& op : ops) values_[static_cast<std::size_t>(op.semaphore)] -= op.count;
}

void SemaphoreFabric::release(const std::vector<SemaphoreOp>& ops, const Location& from, Picos at) {
  const Picos now = now_ps();
  for (const auto& op : ops) {
    const Picos lands =
        latency_(from, decls_[static_cast<std::size_t>(op.semaphore)].home, std::max(at, now));
    pending_.push({lands, seq_++, op.semaphore, op.count});
    ++signals_sent_;
  }
  if (!pending_.empty()) wake_.notify(to_sc(pending_.top().at - now));
}

void SemaphoreFabric::deliver() {
  const Picos now = now_ps();
  while (!pending_.empty() && pending_.top().at <= now) {
    const Pending p = pending_.top();
    pending_.pop();
    values_[static_cast<std::size_t>(p.sem)] += p.count;
    changed_[static_cast<std::size_t>(p.sem)]->notify(sc_core::SC_ZERO_TIME);
  }
  if (!pending_.empty()) wake_.notify(to_sc(pending_.top().at - now));
}

}  // namespace maia
