#pragma once
// A serial shared resource (a link, an SRAM bank, a DMA port) modelled as a transaction-level
// server with explicit occupancy: each use reserves the resource for a duration, starting no
// earlier than the requester is ready and no earlier than the previous reservation ends.
// Queueing and bandwidth sharing between users emerge from the order of reservations.
#include <algorithm>
#include <cstdint>

#include "maia/core/time.hpp"

namespace maia {

struct Reservation {
  Picos start = 0;
  Picos end = 0;
};

class OccupancyServer {
 public:
  Reservation reserve(Picos earliest, Picos duration) {
    const Picos start = std::max(earliest, free_at_);
    wait_ps_ += start - earliest;
    busy_ps_ += duration;
    free_at_ = start + duration;
    ++uses_;
    return {start, free_at_};
  }
  // Same as reserve(), also counting `bytes` moved through the resource.
  Reservation reserve_bytes(Picos earliest, Picos duration, std::uint64_t bytes) {
    bytes_ += bytes;
    return reserve(earliest, duration);
  }

  Picos free_at() const { return free_at_; }
  Picos busy_ps() const { return busy_ps_; }
  Picos wait_ps() const { return wait_ps_; }
  std::uint64_t uses() const { return uses_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  Picos free_at_ = 0;
  Picos busy_ps_ = 0;
  Picos wait_ps_ = 0;
  std::uint64_t uses_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace maia
