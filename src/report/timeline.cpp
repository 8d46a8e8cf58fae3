#include "maia/report/timeline.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <tuple>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {
namespace {

constexpr std::array<std::string_view, kSpanKinds> kKindNames = {"request", "iteration", "operator",
                                                                 "engine", "hbm"};

std::string json_string(std::string_view s) { return Json(std::string(s)).dump(); }

// Picoseconds to whole nanoseconds, rounded down (also below zero), so that containment and
// order survive.
std::int64_t floor_ns(Picos ps) {
  return ps >= 0 ? ps / kPicosPerNs : -((-ps + kPicosPerNs - 1) / kPicosPerNs);
}

// Nanoseconds as microseconds with three decimals, exactly.
std::string us_text(std::int64_t ns) {
  const char* sign = ns < 0 ? "-" : "";
  const std::uint64_t a = ns < 0 ? static_cast<std::uint64_t>(-ns) : static_cast<std::uint64_t>(ns);
  return fmt::format("{}{}.{:03}", sign, a / 1000, a % 1000);
}

std::string ms_text(Picos ps) { return fmt::format("{}", static_cast<double>(ps) / 1e9); }

}  // namespace

std::string_view span_kind_name(SpanKind k) { return kKindNames[static_cast<std::size_t>(k)]; }

void SpanArgs::key(std::string_view k) {
  if (!text_.empty()) text_ += ',';
  text_ += json_string(k);
  text_ += ':';
}

SpanArgs& SpanArgs::add(std::string_view k, std::int64_t v) {
  key(k);
  text_ += fmt::format("{}", v);
  return *this;
}

SpanArgs& SpanArgs::add(std::string_view k, std::uint64_t v) {
  key(k);
  text_ += fmt::format("{}", v);
  return *this;
}

SpanArgs& SpanArgs::add(std::string_view k, double v) {
  key(k);
  text_ += std::isfinite(v) ? fmt::format("{}", v) : std::string("null");
  return *this;
}

SpanArgs& SpanArgs::add(std::string_view k, bool v) {
  key(k);
  text_ += v ? "true" : "false";
  return *this;
}

SpanArgs& SpanArgs::add(std::string_view k, std::string_view v) {
  key(k);
  text_ += json_string(v);
  return *this;
}

Timeline::Timeline(TimelineOptions options) : options_(std::move(options)) {}

std::uint32_t Timeline::track(std::string_view process, int process_order, std::string_view thread,
                              int thread_order) {
  std::string key = fmt::format("{}\n{}", process, thread);
  const auto it = track_ids_.find(key);
  if (it != track_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(tracks_.size());
  tracks_.push_back({std::string(process), std::string(thread), process_order, thread_order});
  track_ids_.emplace(std::move(key), id);
  return id;
}

std::uint32_t Timeline::intern(std::string_view name) {
  const auto it = name_ids_.find(name);
  if (it != name_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(std::string(name), id);
  return id;
}

void Timeline::span(SpanKind kind, std::uint32_t track, std::string_view name, Picos start,
                    Picos end, const SpanArgs& args) {
  Span s{start, std::max(end, start), track, intern(name), args.text()};
  if (staging_) {
    staged_.push_back({kind, std::move(s)});
    return;
  }
  record(kind, std::move(s));
}

void Timeline::record(SpanKind kind, Span&& s) {
  SpanCounts& c = counts_[static_cast<std::size_t>(kind)];
  ++c.recorded;
  if ((options_.window_start && s.end < *options_.window_start) ||
      (options_.window_end && s.start > *options_.window_end)) {
    ++c.outside_window;
    return;
  }
  keep(kind, std::move(s));
}

void Timeline::keep(SpanKind kind, Span&& s) {
  const auto k = static_cast<std::size_t>(kind);
  if (kept_ >= options_.max_spans) {
    // Make room by evicting the latest span of the least important kind below this one.
    std::size_t victim = kSpanKinds;
    for (std::size_t j = kSpanKinds; j-- > k + 1;)
      if (!spans_[j].empty()) {
        victim = j;
        break;
      }
    if (victim == kSpanKinds) {
      ++counts_[k].over_limit;
      return;
    }
    spans_[victim].pop_back();
    --counts_[victim].kept;
    ++counts_[victim].over_limit;
    --kept_;
  }
  spans_[k].push_back(std::move(s));
  ++counts_[k].kept;
  ++kept_;
}

void Timeline::set_cursor(Picos at) {
  cursor_base_ = at;
  cursor_ns_ = 0;
}

void Timeline::advance_cursor(double ns) { cursor_ns_ += ns; }

Picos Timeline::cursor() const { return cursor_base_ + ns_to_ps(cursor_ns_); }

void Timeline::begin_staging() {
  staging_ = true;
  staged_.clear();
  set_cursor(0);
}

void Timeline::commit_staging(Picos shift) {
  staging_ = false;
  std::vector<Staged> staged = std::move(staged_);
  staged_.clear();
  for (auto& st : staged) {
    st.span.start += shift;
    st.span.end += shift;
    record(st.kind, std::move(st.span));
  }
}

void Timeline::absorb(const Timeline& other, Picos shift) {
  for (std::size_t k = 0; k < kSpanKinds; ++k)
    for (const Span& s : other.spans_[k]) {
      const Track& t = other.tracks_[s.track];
      Span copy{s.start + shift, s.end + shift,
                track(t.process, t.process_order, t.thread, t.thread_order),
                intern(other.names_[s.name]), s.args};
      if (staging_)
        staged_.push_back({static_cast<SpanKind>(k), std::move(copy)});
      else
        record(static_cast<SpanKind>(k), std::move(copy));
    }
}

void Timeline::note(const std::string& key, Json value) { notes_[key] = std::move(value); }

bool Timeline::left_out() const {
  for (const auto& c : counts_)
    if (c.outside_window > 0 || c.over_limit > 0) return true;
  return false;
}

std::string Timeline::left_out_summary() const {
  std::string parts;
  std::uint64_t total = 0;
  for (std::size_t k = 0; k < kSpanKinds; ++k) {
    const SpanCounts& c = counts_[k];
    if (c.outside_window == 0 && c.over_limit == 0) continue;
    std::string what;
    if (c.outside_window > 0) what += fmt::format("{} outside the window", c.outside_window);
    if (c.over_limit > 0)
      what += fmt::format("{}{} over the limit", what.empty() ? "" : ", ", c.over_limit);
    parts += fmt::format("{}{} {} ({})", parts.empty() ? "" : "; ", kKindNames[k],
                         c.outside_window + c.over_limit, what);
    total += c.outside_window + c.over_limit;
  }
  if (total == 0) return "nothing left out";
  std::string bounds;
  if (options_.window_start || options_.window_end)
    bounds += fmt::format("window {}:{} ms", ms_text(options_.window_start.value_or(0)),
                          options_.window_end ? ms_text(*options_.window_end) : "end");
  bounds += fmt::format("{}limit {} spans", bounds.empty() ? "" : ", ", options_.max_spans);
  return fmt::format("left out {} of {} spans ({}): {}", total, total + kept_, bounds, parts);
}

void Timeline::write(std::ostream& out) const {
  // Kept spans by track, each track in (start, longest first, kind, recording) order so that
  // parents precede their children.
  struct Ref {
    std::int64_t start_ns, end_ns;
    std::size_t kind, index;
  };
  std::vector<std::vector<Ref>> by_track(tracks_.size());
  Picos first = 0, last = 0;
  bool any = false;
  for (std::size_t k = 0; k < kSpanKinds; ++k)
    for (std::size_t i = 0; i < spans_[k].size(); ++i) {
      const Span& s = spans_[k][i];
      by_track[s.track].push_back({floor_ns(s.start), floor_ns(s.end), k, i});
      first = any ? std::min(first, s.start) : s.start;
      last = any ? std::max(last, s.end) : s.end;
      any = true;
    }
  // Lanes: a span goes to the first lane where it nests (or starts after everything open).
  std::vector<std::vector<std::size_t>> lane_of(tracks_.size());
  std::vector<std::size_t> lanes(tracks_.size(), 0);
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    auto& refs = by_track[t];
    std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
      return std::tie(a.start_ns, b.end_ns, a.kind, a.index) <
             std::tie(b.start_ns, a.end_ns, b.kind, b.index);
    });
    std::vector<std::vector<std::int64_t>> open;  // per lane: ends of the open spans
    lane_of[t].reserve(refs.size());
    for (const Ref& r : refs) {
      std::size_t lane = 0;
      for (;; ++lane) {
        if (lane == open.size()) open.emplace_back();
        auto& stack = open[lane];
        while (!stack.empty() && stack.back() <= r.start_ns) stack.pop_back();
        if (stack.empty() || stack.back() >= r.end_ns) {
          stack.push_back(r.end_ns);
          break;
        }
      }
      lane_of[t].push_back(lane);
    }
    lanes[t] = open.size();
  }
  // Processes and threads in display order; only tracks with spans appear.
  std::vector<std::size_t> order;
  for (std::size_t t = 0; t < tracks_.size(); ++t)
    if (!by_track[t].empty()) order.push_back(t);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Track& x = tracks_[a];
    const Track& y = tracks_[b];
    return std::tie(x.process_order, x.process, x.thread_order, x.thread) <
           std::tie(y.process_order, y.process, y.thread_order, y.thread);
  });
  const bool note_left_out = left_out() && any;
  out << "{\"displayTimeUnit\":\"ns\",\n\"otherData\":";
  Json other = Json::object();
  other["generator"] = "maia-sim";
  other["time_base"] =
      "simulated time; ts and dur in microseconds with nanosecond resolution (rounded down)";
  other["window_ms"] =
      options_.window_start || options_.window_end
          ? Json::array({static_cast<double>(options_.window_start.value_or(0)) / 1e9,
                         options_.window_end ? Json(static_cast<double>(*options_.window_end) / 1e9)
                                             : Json(nullptr)})
          : Json(nullptr);
  other["max_spans"] = options_.max_spans;
  Json counts = Json::object();
  for (std::size_t k = 0; k < kSpanKinds; ++k) {
    const SpanCounts& c = counts_[k];
    counts[std::string(kKindNames[k])] = {{"recorded", c.recorded},
                                          {"kept", c.kept},
                                          {"outside_window", c.outside_window},
                                          {"over_limit", c.over_limit}};
  }
  other["spans"] = counts;
  other["left_out"] = left_out_summary();
  for (const auto& [k, v] : notes_.items()) other[k] = v;
  out << other.dump() << ",\n\"traceEvents\":[\n";
  bool first_event = true;
  const auto event = [&](const std::string& text) {
    out << (first_event ? "" : ",\n") << text;
    first_event = false;
  };
  const auto meta = [&](int pid, int tid, const char* name, const std::string& args) {
    event(fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"{}","args":{{{}}}}})", pid, tid, name,
                      args));
  };
  // One metadata event with the counts, for readers that skip otherData.
  meta(0, 0, "maia_timeline",
       fmt::format(R"("spans":{},"left_out":{})", counts.dump(), json_string(left_out_summary())));
  // pid and tid of each (track, lane).
  std::vector<int> pid_of(tracks_.size(), 0), tid_of(tracks_.size(), 0);
  int pid = 0, tid = 0, process_index = 0, thread_index = 0;
  const std::string* process = nullptr;
  if (note_left_out) {
    ++pid;
    meta(pid, 0, "process_name", R"("name":"timeline: spans left out")");
    meta(pid, 0, "process_sort_index", fmt::format(R"("sort_index":{})", process_index++));
    ++tid;
    meta(pid, tid, "thread_name", R"("name":"left out")");
  }
  const int note_pid = pid, note_tid = tid;
  for (std::size_t t : order) {
    const Track& tr = tracks_[t];
    if (!process || *process != tr.process) {
      process = &tr.process;
      ++pid;
      thread_index = 0;
      meta(pid, 0, "process_name", fmt::format(R"("name":{})", json_string(tr.process)));
      meta(pid, 0, "process_sort_index", fmt::format(R"("sort_index":{})", process_index++));
    }
    pid_of[t] = pid;
    tid_of[t] = tid + 1;
    for (std::size_t lane = 0; lane < lanes[t]; ++lane) {
      ++tid;
      const std::string name = lane == 0 ? tr.thread : fmt::format("{} #{}", tr.thread, lane + 1);
      meta(pid, tid, "thread_name", fmt::format(R"("name":{})", json_string(name)));
      meta(pid, tid, "thread_sort_index", fmt::format(R"("sort_index":{})", thread_index++));
    }
  }
  std::vector<std::string> quoted_names;
  quoted_names.reserve(names_.size());
  for (const auto& n : names_) quoted_names.push_back(json_string(n));
  if (note_left_out)
    event(fmt::format(R"({{"ph":"X","pid":{},"tid":{},"ts":{},"dur":{},"name":{},"args":{{}}}})",
                      note_pid, note_tid, us_text(floor_ns(first)),
                      us_text(floor_ns(last) - floor_ns(first)), json_string(left_out_summary())));
  for (std::size_t t : order)
    for (std::size_t i = 0; i < by_track[t].size(); ++i) {
      const Ref& r = by_track[t][i];
      const Span& s = spans_[r.kind][r.index];
      event(fmt::format(
          R"({{"ph":"X","pid":{},"tid":{},"ts":{},"dur":{},"name":{},"cat":"{}","args":{{{}}}}})",
          pid_of[t], tid_of[t] + static_cast<int>(lane_of[t][i]), us_text(r.start_ns),
          us_text(r.end_ns - r.start_ns), quoted_names[s.name], kKindNames[r.kind], s.args));
    }
  out << "\n]}\n";
}

void Timeline::write_file(const std::string& file) const {
  std::ofstream out(file);
  if (!out) throw InputError(fmt::format("{}: cannot write file", file));
  write(out);
  out.flush();
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

void parse_timeline_window(const std::string& text, const std::string& what,
                           TimelineOptions& options) {
  const auto bad = [&](const std::string& rule) {
    return InputError(fmt::format("{} {}: {} (expected START_MS:END_MS, e.g. 0:50)", what,
                                  text.empty() ? "''" : text, rule));
  };
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw bad("no ':' between start and end");
  const auto number = [&](std::string_view s, const char* which) {
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
      throw bad(fmt::format("{} '{}' is not a number", which, s));
    if (v < 0) throw bad(fmt::format("{} {} is negative", which, v));
    return v;
  };
  const std::string_view all(text);
  const double start = number(all.substr(0, colon), "start");
  const double end = number(all.substr(colon + 1), "end");
  if (!(end > start)) throw bad("end must be after start");
  options.window_start = static_cast<Picos>(std::llround(start * 1e9));
  options.window_end = static_cast<Picos>(std::llround(end * 1e9));
}

}  // namespace maia
