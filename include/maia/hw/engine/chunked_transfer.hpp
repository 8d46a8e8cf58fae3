#pragma once
// A DMA queue moves each transfer as chunks and keeps up to `max_outstanding` chunks in flight,
// across instruction boundaries: like a descriptor-based DMA, it issues the next instruction's
// chunks while the previous instruction's are still completing, and each instruction completes
// (and signals) when its own last chunk does. The SystemC thread only waits while the window is
// full, so simulation cost follows the number of chunks, not of cycles.
#include <cstdint>
#include <deque>
#include <functional>

#include "maia/core/time.hpp"

namespace maia {

class ChunkWindow {
 public:
  explicit ChunkWindow(std::int64_t max_outstanding) : max_(max_outstanding) {}

  // Issues `total_bytes` as chunks through `chunk(issue_time, offset, bytes)`, which books the
  // chunk on the resources and returns its completion. Returns the completion of the transfer
  // (which may lie in the future).
  Picos issue(std::uint64_t total_bytes, std::uint64_t chunk_bytes,
              const std::function<Picos(Picos, std::uint64_t, std::uint64_t)>& chunk);

 private:
  std::int64_t max_;
  std::deque<Picos> inflight_;  // completion times, in issue order
};

}  // namespace maia
