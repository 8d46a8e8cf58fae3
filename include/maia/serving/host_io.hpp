#pragma once
// The host side of a serving iteration over the host interface model (PCIe): before the
// iteration, the prompt token ids of the requests it admits for the first time go host -> HBM;
// after it, the sampled token ids come back HBM -> host. Each transfer is simulated by the serving
// run's backend (one time base); the serving loop adds both to the iteration's time (serialised:
// no overlap with the chip's compute is modelled).
#include <cstdint>
#include <map>

#include "maia/backend/backend.hpp"

namespace maia {

// Bytes of one token id on the host interface (int32).
inline constexpr std::uint64_t kTokenIdBytes = 4;

class HostIo {
 public:
  // memoize: transfers of equal size and direction reuse the first measurement.
  HostIo(Backend& backend, bool memoize) : backend_(backend), memoize_(memoize) {}

  // Time of one transfer of `bytes` (0 for none), ns.
  double transfer_ns(std::uint64_t bytes, bool to_device);

  std::int64_t transfers_simulated() const { return simulated_; }

 private:
  Backend& backend_;
  bool memoize_;
  std::map<std::pair<bool, std::uint64_t>, double> memo_;
  std::int64_t simulated_ = 0;
};

}  // namespace maia
