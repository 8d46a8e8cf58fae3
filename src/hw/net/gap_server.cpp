#include "maia/hw/net/gap_server.hpp"

#include <iterator>

namespace maia {

Reservation GapServer::reserve(Picos earliest, Picos duration, std::uint64_t bytes) {
  const Picos now = now_ps();
  while (!busy_.empty() && busy_.begin()->second <= now) busy_.erase(busy_.begin());
  ++uses_;
  bytes_ += bytes;
  busy_ps_ += duration;
  if (earliest >= last_end_ || busy_.empty()) {
    // After every booking (the common case): append, merging with the last one if touching.
    const Picos start = std::max(earliest, busy_.empty() ? earliest : last_end_);
    wait_ps_ += start - earliest;
    const Picos end = start + duration;
    if (duration > 0) {
      if (!busy_.empty() && std::prev(busy_.end())->second == start)
        std::prev(busy_.end())->second = end;
      else
        busy_.emplace_hint(busy_.end(), start, end);
    }
    last_end_ = std::max(last_end_, end);
    return {start, end};
  }
  Picos start = earliest;
  // The booking that may hold `start`: the last one starting at or before it.
  auto it = busy_.upper_bound(start);
  if (it != busy_.begin()) {
    auto prev = std::prev(it);
    if (prev->second > start) start = prev->second;
  }
  while (it != busy_.end() && start + duration > it->first) {
    start = std::max(start, it->second);
    ++it;
  }
  wait_ps_ += start - earliest;
  const Picos end = start + duration;
  last_end_ = std::max(last_end_, end);
  if (duration == 0) return {start, end};
  // Insert [start, end) before `it`, merging with touching neighbours.
  Picos new_start = start, new_end = end;
  if (it != busy_.begin()) {
    auto prev = std::prev(it);
    if (prev->second == start) {
      new_start = prev->first;
      busy_.erase(prev);
    }
  }
  if (it != busy_.end() && it->first == end) {
    new_end = it->second;
    it = busy_.erase(it);
  }
  busy_.emplace_hint(it, new_start, new_end);
  return {start, end};
}

}  // namespace maia
