#pragma once
// A cheap bandwidth server for a resource far faster than the network that feeds it (a chip's
// HBM behind its NIC, its vector units): time is cut into buckets of `bucket` ps and each bucket
// only remembers how far from its start it is booked. A use starts at the later of its ready
// time and its bucket's booked mark and spills into later buckets as needed, so bandwidth is
// never exceeded and later requests still use earlier buckets; idle time inside a bucket before
// its mark is lost (at most one bucket per use). Buckets before the current simulated time are
// dropped. O(1) per use, where a gap-keeping server walks every booking ahead of it.
#include <cstdint>
#include <deque>

#include "maia/core/occupancy_server.hpp"
#include "maia/core/time.hpp"

namespace maia {

class BucketServer {
 public:
  explicit BucketServer(Picos bucket = 16 * kPicosPerNs) : bucket_(bucket) {}
  Reservation reserve(Picos earliest, Picos duration, std::uint64_t bytes);
  Picos busy_ps() const { return busy_ps_; }
  Picos wait_ps() const { return wait_ps_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t uses() const { return uses_; }

 private:
  Picos& mark(std::int64_t b);  // booked time from the start of bucket b
  // The first bucket at or after b that is not full (full buckets point past themselves, with
  // the path compressed, so runs of full buckets are skipped at once).
  std::int64_t first_open(std::int64_t b);

  Picos bucket_;
  std::int64_t base_ = 0;          // index of marks_.front()
  std::deque<Picos> marks_;        // buckets base_, base_ + 1, ...
  std::deque<std::int64_t> next_;  // for a full bucket: a later bucket to look at
  Picos busy_ps_ = 0, wait_ps_ = 0;
  std::uint64_t bytes_ = 0, uses_ = 0;
};

}  // namespace maia
