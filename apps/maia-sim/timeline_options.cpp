#include "timeline_options.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia::cli {

void add_timeline_options(boost::program_options::options_description& desc, TimelineArgs& a) {
  namespace po = boost::program_options;
  desc.add_options()("perfetto", po::value(&a.file),
                     "write a timeline (Chrome trace-event JSON for ui.perfetto.dev) to this file")(
      "perfetto-window", po::value(&a.window),
      "timeline: keep only spans overlapping START_MS:END_MS of simulated time")(
      "perfetto-max-events", po::value(&a.max_events)->default_value(a.max_events),
      "timeline: keep at most N spans (the least important kinds are left out first)");
}

std::unique_ptr<Timeline> make_timeline(const TimelineArgs& a) {
  if (a.file.empty()) {
    if (!a.window.empty())
      throw InputError("--perfetto-window " + a.window + ": needs --perfetto FILE");
    return nullptr;
  }
  TimelineOptions o;
  if (a.max_events < 1)
    throw InputError(fmt::format("--perfetto-max-events {}: must be >= 1", a.max_events));
  o.max_spans = static_cast<std::size_t>(a.max_events);
  if (!a.window.empty()) parse_timeline_window(a.window, "--perfetto-window", o);
  {
    std::ofstream probe(a.file);
    if (!probe) throw InputError(fmt::format("--perfetto {}: cannot write file", a.file));
  }
  return std::make_unique<Timeline>(o);
}

void write_timeline(const Timeline& t, const std::string& file) {
  t.write_file(file);
  std::string kinds;
  for (std::size_t k = 0; k < kSpanKinds; ++k) {
    const auto kind = static_cast<SpanKind>(k);
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", t.counts(kind).kept,
                         span_kind_name(kind));
  }
  std::error_code ec;
  const double bytes = static_cast<double>(std::filesystem::file_size(file, ec));
  const std::string size =
      bytes >= 1e6 ? fmt::format("{:.1f} MB", bytes / 1e6) : fmt::format("{:.1f} kB", bytes / 1e3);
  fmt::print("\nwrote {} ({}): {} spans ({}); open it in ui.perfetto.dev\n", file,
             ec ? std::string("?") : size, t.kept(), kinds);
  if (t.left_out()) fmt::print("timeline: {}\n", t.left_out_summary());
}

}  // namespace maia::cli
