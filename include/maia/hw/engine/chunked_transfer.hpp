#pragma once
// A DMA moves a transfer as chunks, keeping up to `max_outstanding` chunks in flight, like a
// multi-channel DMA with a bounded request window. The SystemC thread only waits when the window
// is full or at the end, so simulation cost follows the number of chunks, not of cycles.
#include <cstdint>
#include <functional>

#include "maia/core/time.hpp"

namespace maia {

// `chunk(issue_time, offset, bytes)` books one chunk on the resources and returns its completion.
// Returns when every chunk has completed.
void run_chunked(std::uint64_t total_bytes, std::uint64_t chunk_bytes, std::int64_t max_outstanding,
                 const std::function<Picos(Picos, std::uint64_t, std::uint64_t)>& chunk);

}  // namespace maia
