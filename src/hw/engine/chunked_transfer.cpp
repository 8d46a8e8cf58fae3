#include "maia/hw/engine/chunked_transfer.hpp"

#include <algorithm>

#include <systemc>

namespace maia {

Picos ChunkWindow::issue(std::uint64_t total_bytes, std::uint64_t chunk_bytes,
                         const std::function<Picos(Picos, std::uint64_t, std::uint64_t)>& chunk) {
  Picos last = now_ps();
  for (std::uint64_t off = 0; off < total_bytes; off += chunk_bytes) {
    // Retire completed chunks; when the window is still full, wait for the oldest.
    while (!inflight_.empty() && inflight_.front() <= now_ps()) inflight_.pop_front();
    if (static_cast<std::int64_t>(inflight_.size()) >= max_) {
      const Picos oldest = inflight_.front();
      inflight_.pop_front();
      if (oldest > now_ps()) sc_core::wait(to_sc(oldest - now_ps()));
    }
    const Picos done = chunk(now_ps(), off, std::min(chunk_bytes, total_bytes - off));
    inflight_.push_back(done);
    last = std::max(last, done);
  }
  return last;
}

}  // namespace maia
