#include "maia/core/occupancy_server.hpp"

#include <algorithm>

namespace maia {

namespace {
// Bookings kept at most; beyond that the oldest are folded away (a request can then no longer
// use idle time that far back, which only matters for pathological booking patterns).
constexpr std::size_t kMaxBookings = 256;
}  // namespace

void OccupancyServer::retire_before(Picos t) {
  while (!busy_.empty() && busy_.front().end <= t) {
    last_end_ = std::max(last_end_, busy_.front().end);
    busy_.pop_front();
  }
}

Reservation OccupancyServer::reserve(Picos earliest, Picos duration) {
  retire_before(now_ps());
  while (busy_.size() > kMaxBookings) {
    // Fold the two oldest bookings into one busy span.
    busy_[1].start = busy_[0].start;
    busy_.pop_front();
  }
  ++uses_;
  busy_ps_ += duration;
  Picos start = earliest;
  // Bookings are sorted and disjoint, so their ends are sorted too: skip those that end before
  // `start` by binary search, then walk forward to the first gap that is long enough.
  std::size_t i = static_cast<std::size_t>(
      std::partition_point(busy_.begin(), busy_.end(),
                           [&](const Reservation& b) { return b.end <= start; }) -
      busy_.begin());
  for (; i < busy_.size(); ++i) {
    if (start + duration <= busy_[i].start) break;  // fits before booking i
    start = std::max(start, busy_[i].end);
  }
  wait_ps_ += start - earliest;
  const Reservation r{start, start + duration};
  last_end_ = std::max(last_end_, r.end);
  if (duration == 0) return r;
  // Insert at position i, merging with touching neighbours.
  if (i > 0 && busy_[i - 1].end == r.start) {
    busy_[i - 1].end = r.end;
    if (i < busy_.size() && busy_[i].start == r.end) {
      busy_[i - 1].end = busy_[i].end;
      busy_.erase(busy_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  } else if (i < busy_.size() && busy_[i].start == r.end) {
    busy_[i].start = r.start;
  } else {
    busy_.insert(busy_.begin() + static_cast<std::ptrdiff_t>(i), r);
  }
  return r;
}

}  // namespace maia
