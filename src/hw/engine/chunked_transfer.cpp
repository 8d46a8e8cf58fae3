#include "maia/hw/engine/chunked_transfer.hpp"

#include <algorithm>
#include <deque>

#include <systemc>

namespace maia {

void run_chunked(std::uint64_t total_bytes, std::uint64_t chunk_bytes, std::int64_t max_outstanding,
                 const std::function<Picos(Picos, std::uint64_t, std::uint64_t)>& chunk) {
  std::deque<Picos> window;
  Picos last = now_ps();
  for (std::uint64_t off = 0; off < total_bytes; off += chunk_bytes) {
    if (static_cast<std::int64_t>(window.size()) >= max_outstanding) {
      const Picos oldest = window.front();
      window.pop_front();
      if (oldest > now_ps()) sc_core::wait(to_sc(oldest - now_ps()));
    }
    const Picos done = chunk(now_ps(), off, std::min(chunk_bytes, total_bytes - off));
    window.push_back(done);
    last = std::max(last, done);
  }
  if (last > now_ps()) sc_core::wait(to_sc(last - now_ps()));
}

}  // namespace maia
