#pragma once
// A timeline of simulated activity, written as Chrome trace-event JSON for ui.perfetto.dev (or
// chrome://tracing): spans ("X" complete events) on named tracks, a track being one thread of
// one process in that format. Processes and threads are ordered by their sort keys (metadata
// events), so the viewer shows requests, then iterations with their operators nested inside,
// then each engine and HBM channel.
//
// Every track nests in the file: spans that partly overlap on one track (a DMA queue whose next
// descriptor starts before the previous one completes) are moved to extra lanes of that track,
// shown as "<thread> #2", "#3", ... Times are integer picoseconds; the file has nanoseconds
// (microseconds with three decimals: the resolution Perfetto keeps), each time rounded down, so
// containment is kept exactly.
//
// Bounded: an optional window keeps only spans that overlap it, and a cap on the number of spans
// kept evicts the least important kinds first (HBM, then engines, operators, iterations,
// requests; within a kind the latest recorded go first). What was left out is counted per kind
// and written into the file ("otherData" and a metadata event) and into left_out_summary().
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "maia/core/time.hpp"
#include "maia/report/stats.hpp"

namespace maia {

// Kinds of span, most important first (the order of eviction is the reverse).
enum class SpanKind : std::uint8_t { kRequest, kIteration, kOperator, kEngine, kHbm };
inline constexpr std::size_t kSpanKinds = 5;
std::string_view span_kind_name(SpanKind k);

// The arguments of one span, rendered once as JSON members (`"key":value,...`) so that a kept
// span costs one string.
class SpanArgs {
 public:
  SpanArgs& add(std::string_view key, std::int64_t v);
  SpanArgs& add(std::string_view key, std::uint64_t v);
  SpanArgs& add(std::string_view key, int v) { return add(key, static_cast<std::int64_t>(v)); }
  SpanArgs& add(std::string_view key, double v);
  SpanArgs& add(std::string_view key, bool v);
  SpanArgs& add(std::string_view key, std::string_view v);
  SpanArgs& add(std::string_view key, const char* v) { return add(key, std::string_view(v)); }
  const std::string& text() const { return text_; }

 private:
  void key(std::string_view k);
  std::string text_;
};

struct TimelineOptions {
  // Keep only spans overlapping [window_start, window_end] (ps); none: everything.
  std::optional<Picos> window_start, window_end;
  // Spans kept at most (metadata events are not counted).
  std::size_t max_spans = 1'000'000;
};

// Per kind: spans offered, kept, outside the window and left out over the cap.
struct SpanCounts {
  std::uint64_t recorded = 0, kept = 0, outside_window = 0, over_limit = 0;
};

class Timeline {
 public:
  explicit Timeline(TimelineOptions options = {});

  const TimelineOptions& options() const { return options_; }

  // The track `thread` of process `process`, created on first use. Processes are shown by
  // increasing process_order, threads of a process by increasing thread_order (ties: by name).
  std::uint32_t track(std::string_view process, int process_order, std::string_view thread,
                      int thread_order);

  // Records [start, end] (ps; end >= start) of `kind` on `track`. Free when the span is outside
  // the window; evicts or refuses spans beyond the cap.
  void span(SpanKind kind, std::uint32_t track, std::string_view name, Picos start, Picos end,
            const SpanArgs& args = {});

  // The drawing position of the next program or operator: `set_cursor(at)` starts a sequence
  // at `at`; advance_cursor(ns) moves it on by one operator's duration. Positions are
  // at + round(sum of the durations so far), so a sequence of operators ends exactly where a
  // span of the summed duration does.
  void set_cursor(Picos at);
  void advance_cursor(double ns);
  Picos cursor() const;

  // Whether programs and operators are drawn now (on by default); off while the simulator
  // measures things that have no place on the timeline (e.g. a serving cost model's points).
  void set_detail(bool on) { detail_ = on; }
  bool detail() const { return detail_; }

  // Staging: until commit_staging(shift), spans are held back (the cursor starts at 0), then
  // recorded `shift` ps later. For activity simulated before its place in time is known.
  void begin_staging();
  void commit_staging(Picos shift);
  bool staging() const { return staging_; }

  // Records every span `other` kept (its tracks and names taken over by name) `shift` ps later,
  // as if they had been recorded here. For activity drawn into a scratch timeline first, e.g.
  // candidate schedules of which only the chosen one belongs on the timeline.
  void absorb(const Timeline& other, Picos shift);

  // A fact about how the timeline was made, written into "otherData" (e.g. which spans carry
  // engine detail).
  void note(const std::string& key, Json value);

  const SpanCounts& counts(SpanKind k) const { return counts_[static_cast<std::size_t>(k)]; }
  std::uint64_t kept() const { return kept_; }
  // Whether any span was left out (window or cap), and one line saying what.
  bool left_out() const;
  std::string left_out_summary() const;

  // The trace-event JSON; deterministic (same spans, same bytes).
  void write(std::ostream& out) const;
  // Writes to `file`; InputError when it cannot be written.
  void write_file(const std::string& file) const;

 private:
  struct Track {
    std::string process, thread;
    int process_order = 0, thread_order = 0;
  };
  struct Span {
    Picos start = 0, end = 0;
    std::uint32_t track = 0, name = 0;
    std::string args;
  };
  struct Staged {
    SpanKind kind;
    Span span;
  };
  std::uint32_t intern(std::string_view name);
  // Counts a span, drops it when outside the window, else keeps it.
  void record(SpanKind kind, Span&& s);
  // Keeps a span within the cap: evicts a less important one or refuses it.
  void keep(SpanKind kind, Span&& s);

  TimelineOptions options_;
  std::vector<Track> tracks_;
  std::map<std::string, std::uint32_t, std::less<>> track_ids_;  // "process\nthread"
  std::vector<std::string> names_;
  std::map<std::string, std::uint32_t, std::less<>> name_ids_;
  std::array<std::vector<Span>, kSpanKinds> spans_;
  std::array<SpanCounts, kSpanKinds> counts_{};
  std::uint64_t kept_ = 0;
  Picos cursor_base_ = 0;
  double cursor_ns_ = 0;
  bool detail_ = true;
  bool staging_ = false;
  std::vector<Staged> staged_;
  Json notes_ = Json::object();
};

// Parses "START_MS:END_MS" (milliseconds of simulated time, START < END, both >= 0) into
// options.window_start/end; InputError naming `what` otherwise.
void parse_timeline_window(const std::string& text, const std::string& what,
                           TimelineOptions& options);

}  // namespace maia
