#pragma once
// Data transfers are chains of stages (SRAM banks, DMA ports, NoC links, PCIe, HBM). A chunk of
// bytes flows through the chain in cut-through fashion: each stage sees when the chunk's first
// byte and last byte become available upstream and answers when they leave it. Stages that are
// shared resources reserve their occupancy, so concurrent transfers queue behind each other.
#include <algorithm>
#include <cstdint>

#include "maia/core/occupancy_server.hpp"
#include "maia/core/time.hpp"

namespace maia {

struct Flow {
  Picos first = 0;  // first byte available
  Picos last = 0;   // last byte available
};

class TransferStage {
 public:
  virtual ~TransferStage() = default;
  // Moves `bytes` starting at byte `offset` of the transfer; `in` says when they arrive.
  virtual Flow serve(Flow in, std::uint64_t offset, std::uint64_t bytes) = 0;
};

// Reservation rule shared by all bandwidth stages: the stage is booked for `duration` once the
// first byte is there, and it cannot finish before the last byte has arrived. The returned end
// is that finish time, which may lie after the booking when the input is the slower side.
inline Reservation reserve_paced(OccupancyServer& server, Flow in, Picos duration,
                                 std::uint64_t bytes) {
  Reservation r = server.reserve_bytes(in.first, duration, bytes);
  r.end = std::max(r.end, in.last);
  return r;
}

// For an engine that streams operands during a long instruction (TTU, TVP): the booking is
// spread over the instruction in slices, leaving idle gaps that other users (DMA) can book, as
// fine-grained arbitration would.
inline Reservation reserve_streamed(OccupancyServer& server, Flow in, Picos duration,
                                    std::uint64_t bytes) {
  constexpr int kSlices = 4;
  const Picos window = in.last - in.first;
  if (window <= 2 * duration || duration < kSlices)
    return reserve_paced(server, in, duration, bytes);
  Reservation r;
  const Picos slice = duration / kSlices;
  for (int i = 0; i < kSlices; ++i) {
    const Picos d = i + 1 == kSlices ? duration - slice * (kSlices - 1) : slice;
    const Reservation part =
        server.reserve_bytes(in.first + window * i / kSlices, d, i == 0 ? bytes : 0);
    if (i == 0) r.start = part.start;
    r.end = part.end;
  }
  r.end = std::max(r.end, in.last);
  return r;
}

// A fixed-bandwidth port or link with a pipeline latency.
class BandwidthStage : public TransferStage {
 public:
  BandwidthStage(OccupancyServer& server, double gbytes_per_s, Picos latency)
      : server_(server), gbps_(gbytes_per_s), latency_(latency) {}
  Flow serve(Flow in, std::uint64_t, std::uint64_t bytes) override {
    const Reservation r =
        reserve_paced(server_, in, transfer_ps(static_cast<double>(bytes), gbps_), bytes);
    return {r.start + latency_, r.end + latency_};
  }

 private:
  OccupancyServer& server_;
  double gbps_;
  Picos latency_;
};

// Runs one chunk through a chain of stages and returns when its bytes leave the last one.
template <typename Chain>
Flow run_chain(const Chain& chain, Flow in, std::uint64_t offset, std::uint64_t bytes) {
  for (TransferStage* s : chain) in = s->serve(in, offset, bytes);
  return in;
}

}  // namespace maia
