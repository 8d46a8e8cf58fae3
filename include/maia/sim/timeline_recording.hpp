#pragma once
// What the simulator draws on a Timeline (maia/report/timeline.hpp), and on which tracks:
//   requests      one track per slot (a request takes the lowest slot free at its arrival):
//                 request span, with queued / prefill / decode nested inside
//   serving       "iterations": each iteration, with its operators nested inside
//   cluster <c>   one track per engine queue (t<j>.ttu, t<j>.tvp, t<j>.dma, t<j>.tcp, dma<k>):
//                 one span per macro-instruction
//   host          host.dma and host.cmd queues
//   HBM stack <s> one track per channel: data-bus busy intervals (bursts less than
//                 kTimelineHbmMergeGap apart merged), with bytes and bus utilisation
// Engine and HBM detail exists only for programs actually simulated; operators (and serving
// iterations) reused from a memo are drawn from their measurement and marked `reused`.
#include <cstdint>
#include <string>
#include <vector>

#include "maia/program/program.hpp"
#include "maia/report/op_measurement.hpp"
#include "maia/report/timeline.hpp"

namespace maia {

class Chip;

// HBM bursts closer than this on one channel are drawn as one busy interval.
inline constexpr Picos kTimelineHbmMergeGap = 500 * kPicosPerNs;

std::uint32_t timeline_request_track(Timeline& t, std::size_t slot);
std::uint32_t timeline_iteration_track(Timeline& t);

// The engine instructions and HBM channel activity of the program `chip` just ran (its queues
// still loaded), drawn at the timeline's cursor; `session_start` is when the program started in
// the chip's own simulated time. Nothing is drawn while t.detail() is off.
void record_program_activity(Timeline& t, const Program& program, Chip& chip, Picos session_start);

// One operator at the cursor, which then moves past it (nothing while t.detail() is off).
void record_operator(Timeline& t, const OpMeasurement& m, bool iteration_reused = false);

// One iteration on the iterations track; `name` is prefill, decode or mixed.
void record_iteration(Timeline& t, Picos start, Picos end, std::string_view name,
                      const SpanArgs& args);

// One request's life; optional phases are absent when negative. Nested spans are clamped into
// their parent.
struct RequestTimeline {
  std::uint64_t id = 0;
  Picos arrival = 0;
  Picos scheduled = -1, first_token = -1, finish = -1;
  bool rejected = false;
  SpanArgs args;
};
// Draws requests (in arrival order) on slot tracks: a request takes the lowest slot whose
// previous request has finished by its arrival, so slots never overlap.
void record_requests(Timeline& t, const std::vector<RequestTimeline>& requests);

}  // namespace maia
