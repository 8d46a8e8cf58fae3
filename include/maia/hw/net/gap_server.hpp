#pragma once
// A bandwidth server for the network: like core's OccupancyServer (each use books the earliest
// idle gap at or after its ready time) but keeping every future booking, so a flow booked far
// ahead (a whole message's packets at once) never hides the idle gaps between its packets from
// the flows booked after it. Bookings that ended before the current simulated time are dropped.
#include <algorithm>
#include <cstdint>
#include <map>

#include "maia/core/occupancy_server.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/core/transfer_stage.hpp"

namespace maia {

class GapServer {
 public:
  Reservation reserve(Picos earliest, Picos duration, std::uint64_t bytes);
  Picos free_at() const { return last_end_; }
  Picos busy_ps() const { return busy_ps_; }
  Picos wait_ps() const { return wait_ps_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t uses() const { return uses_; }

 private:
  std::map<Picos, Picos> busy_;  // start -> end, disjoint, merged when touching
  Picos last_end_ = 0;
  Picos busy_ps_ = 0;
  Picos wait_ps_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t uses_ = 0;
};

// The cut-through rule of reserve_paced (transfer_stage.hpp) on a GapServer: booked once the
// first byte is there, finished no earlier than the last byte's arrival.
inline Reservation reserve_paced(GapServer& server, Flow in, Picos duration, std::uint64_t bytes) {
  Reservation r = server.reserve(in.first, duration, bytes);
  r.end = std::max(r.end, in.last);
  return r;
}

}  // namespace maia
