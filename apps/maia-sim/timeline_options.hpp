#pragma once
// --perfetto FILE and its bounds, shared by maia-sim run and exec (docs/timeline.md).
#include <cstdint>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "maia/report/timeline.hpp"

namespace maia::cli {

struct TimelineArgs {
  std::string file;    // --perfetto
  std::string window;  // --perfetto-window START_MS:END_MS
  std::int64_t max_events = static_cast<std::int64_t>(TimelineOptions{}.max_spans);
};

void add_timeline_options(boost::program_options::options_description& desc, TimelineArgs& a);

// The timeline to draw on, or nullptr without --perfetto. InputError for a malformed window or
// limit, bounds given without --perfetto, or a file that cannot be written (checked now, before
// a long simulation).
std::unique_ptr<Timeline> make_timeline(const TimelineArgs& a);

// Writes the file and prints what it holds and what it left out.
void write_timeline(const Timeline& t, const std::string& file);

}  // namespace maia::cli
