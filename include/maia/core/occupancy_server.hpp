#pragma once
// A serial shared resource (a link, an SRAM bank, a DMA port) modelled as a transaction-level
// server with explicit occupancy: each use reserves the resource for a duration in the earliest
// idle gap at or after the time the requester is ready. Reservations may be booked ahead of
// simulated time (a transfer paced by its source books its slot late), and earlier requests still
// use the idle time before such a booking. Queueing and bandwidth sharing between users emerge
// from the reservations instead of being assumed.
#include <cstdint>
#include <deque>

#include "maia/core/time.hpp"

namespace maia {

struct Reservation {
  Picos start = 0;
  Picos end = 0;
};

class OccupancyServer {
 public:
  Reservation reserve(Picos earliest, Picos duration);
  // Same as reserve(), also counting `bytes` moved through the resource.
  Reservation reserve_bytes(Picos earliest, Picos duration, std::uint64_t bytes) {
    bytes_ += bytes;
    return reserve(earliest, duration);
  }
  // Forgets bookings that end at or before `t` (callers pass the current simulated time).
  void retire_before(Picos t);

  // End of the latest booking.
  Picos free_at() const { return last_end_; }
  Picos busy_ps() const { return busy_ps_; }
  Picos wait_ps() const { return wait_ps_; }
  std::uint64_t uses() const { return uses_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::deque<Reservation> busy_;  // sorted, disjoint, merged when adjacent
  Picos last_end_ = 0;
  Picos busy_ps_ = 0;
  Picos wait_ps_ = 0;
  std::uint64_t uses_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace maia
