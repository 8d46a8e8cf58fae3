// Timelines (Chrome trace-event JSON for Perfetto): every event carries the fields the format
// requires, every track nests, the window and the span limit leave out exactly what they say
// (and the file says so), and the spans drawn for a program, a static batch and a serving run
// agree with what the simulator measured. Every TEST runs in its own process
// (gtest_discover_tests); run directly, the tests share one ChipSession.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <systemc>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/report/timeline.hpp"
#include "maia/serving/serving_run.hpp"
#include "maia/serving/static_batch.hpp"

#include "workload_rig.hpp"

namespace maia {
namespace {

using namespace test;  // chip(), llama8b(), rig(), kSource, kFp8 (workload_rig.hpp)

std::string text_of(const Timeline& t) {
  std::ostringstream out;
  t.write(out);
  return out.str();
}

// One complete event, times in whole ns.
struct Ev {
  std::string name, cat, thread;
  int pid = 0, tid = 0;
  std::int64_t ts = 0, end = 0;
  nlohmann::json args;
};

// Parses the file, checks every event's required fields, and returns its X events with their
// thread's "process/thread" name.
std::vector<Ev> parse_events(const std::string& text, nlohmann::json* whole = nullptr) {
  const nlohmann::json j = nlohmann::json::parse(text);
  if (whole) *whole = j;
  EXPECT_TRUE(j.contains("otherData"));
  EXPECT_TRUE(j.at("traceEvents").is_array());
  std::map<int, std::string> process;
  std::map<std::pair<int, int>, std::string> thread;
  std::vector<Ev> out;
  for (const auto& e : j.at("traceEvents")) {
    EXPECT_TRUE(e.at("ph").is_string());
    EXPECT_TRUE(e.at("pid").is_number_integer());
    EXPECT_TRUE(e.at("tid").is_number_integer());
    EXPECT_TRUE(e.at("name").is_string());
    EXPECT_TRUE(e.at("args").is_object());
    const std::string ph = e.at("ph");
    const int pid = e.at("pid"), tid = e.at("tid");
    if (ph == "M") {
      const std::string n = e.at("name");
      if (n == "process_name") process[pid] = e.at("args").at("name");
      if (n == "thread_name") thread[{pid, tid}] = e.at("args").at("name");
      if (n.ends_with("_sort_index")) {
        EXPECT_TRUE(e.at("args").at("sort_index").is_number());
      }
      continue;
    }
    EXPECT_EQ(ph, "X");
    EXPECT_TRUE(e.at("ts").is_number());
    EXPECT_TRUE(e.at("dur").is_number());
    Ev ev;
    ev.name = e.at("name");
    ev.cat = e.value("cat", "");
    ev.pid = pid;
    ev.tid = tid;
    ev.ts = std::llround(e.at("ts").get<double>() * 1000);
    ev.end = ev.ts + std::llround(e.at("dur").get<double>() * 1000);
    EXPECT_GE(ev.end, ev.ts);
    ev.args = e.at("args");
    out.push_back(ev);
  }
  for (auto& ev : out) {
    EXPECT_TRUE(process.count(ev.pid)) << "no process_name for pid " << ev.pid;
    EXPECT_TRUE(thread.count({ev.pid, ev.tid})) << "no thread_name for " << ev.tid;
    ev.thread = process[ev.pid] + "/" + thread[{ev.pid, ev.tid}];
  }
  return out;
}

// Every thread's spans nest (Perfetto's rule for X events); returns each span's parent index
// (-1 at top level), in the order of `evs`.
std::vector<int> expect_nested(const std::vector<Ev>& evs) {
  std::vector<std::size_t> order(evs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Ev& x = evs[a];
    const Ev& y = evs[b];
    return std::make_tuple(x.pid, x.tid, x.ts, -x.end) <
           std::make_tuple(y.pid, y.tid, y.ts, -y.end);
  });
  std::vector<int> parent(evs.size(), -1);
  std::vector<std::size_t> stack;
  std::pair<int, int> thread{-1, -1};
  for (std::size_t i : order) {
    const Ev& e = evs[i];
    if (std::make_pair(e.pid, e.tid) != thread) {
      stack.clear();
      thread = {e.pid, e.tid};
    }
    while (!stack.empty() && evs[stack.back()].end <= e.ts) stack.pop_back();
    if (!stack.empty()) {
      EXPECT_GE(evs[stack.back()].end, e.end)
          << e.thread << ": " << e.name << " partly overlaps " << evs[stack.back()].name;
      parent[i] = static_cast<int>(stack.back());
    }
    stack.push_back(i);
  }
  return parent;
}

std::size_t count_cat(const std::vector<Ev>& evs, const std::string& cat) {
  return static_cast<std::size_t>(
      std::count_if(evs.begin(), evs.end(), [&](const Ev& e) { return e.cat == cat; }));
}

TEST(TimelineFormat, TimesAreNanosecondsRoundedDownAndExact) {
  Timeline t;
  const auto track = t.track("p", 0, "t", 0);
  t.span(SpanKind::kOperator, track, "a", 1'234'567, 2'000'000);
  t.span(SpanKind::kOperator, track, "b", 5'000'000'000'001, 5'000'000'001'999);
  const std::string text = text_of(t);
  // floor(1234567 ps) = 1234 ns = 1.234 us; floor(2000000) - 1234 = 766 ns.
  EXPECT_NE(text.find(R"("ts":1.234,"dur":0.766)"), std::string::npos) << text;
  // 5 s + 1 ps -> 5000000000 ns; end 5000000001999 ps -> 5000000001 ns: 1 ns long.
  EXPECT_NE(text.find(R"("ts":5000000.000,"dur":0.001)"), std::string::npos) << text;
  const auto evs = parse_events(text);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].ts, 1234);
}

TEST(TimelineFormat, PartialOverlapsMoveToExtraLanesAndEveryTrackNests) {
  Timeline t;
  const auto dma = t.track("cluster 0", 10, "dma0", 0);
  // A DMA queue: the next descriptor starts before the previous completes.
  t.span(SpanKind::kEngine, dma, "copy", 0, 10'000);
  t.span(SpanKind::kEngine, dma, "copy", 5'000, 15'000);
  t.span(SpanKind::kEngine, dma, "copy", 1'000, 2'000);    // inside the first
  t.span(SpanKind::kEngine, dma, "copy", 12'000, 20'000);  // overlaps the second only
  const auto evs = parse_events(text_of(t));
  ASSERT_EQ(evs.size(), 4u);
  expect_nested(evs);
  std::set<std::string> threads;
  for (const auto& e : evs) threads.insert(e.thread);
  EXPECT_EQ(threads, (std::set<std::string>{"cluster 0/dma0", "cluster 0/dma0 #2"}));
}

TEST(TimelineFormat, ProcessesAndThreadsFollowTheirSortKeys) {
  Timeline t;
  t.span(SpanKind::kHbm, t.track("HBM stack 0", 40, "ch 01", 1), "busy", 0, 1000);
  t.span(SpanKind::kHbm, t.track("HBM stack 0", 40, "ch 00", 0), "busy", 0, 1000);
  t.span(SpanKind::kRequest, t.track("requests", 1, "slot 0", 0), "request 0", 0, 1000);
  nlohmann::json j;
  parse_events(text_of(t), &j);
  std::vector<std::string> processes, threads;
  for (const auto& e : j["traceEvents"]) {
    if (e["name"] == "process_name") processes.push_back(e["args"]["name"]);
    if (e["name"] == "thread_name") threads.push_back(e["args"]["name"]);
  }
  EXPECT_EQ(processes, (std::vector<std::string>{"requests", "HBM stack 0"}));
  EXPECT_EQ(threads, (std::vector<std::string>{"slot 0", "ch 00", "ch 01"}));
}

TEST(TimelineBounds, WindowKeepsExactlyTheSpansThatOverlapIt) {
  TimelineOptions o;
  parse_timeline_window("1:2", "--perfetto-window", o);  // 1 ms .. 2 ms
  Timeline t(o);
  const auto tr = t.track("serving", 2, "iterations", 0);
  const Picos ms = 1'000'000'000;
  // (start, end) in ms: before, straddling the start, inside, straddling the end, after.
  const std::vector<std::pair<double, double>> spans = {{0.0, 0.5}, {0.5, 1.5}, {1.2, 1.4},
                                                        {1.9, 3.0}, {2.5, 3.0}, {0.0, 5.0}};
  std::size_t overlapping = 0;
  for (const auto& [a, b] : spans) {
    t.span(SpanKind::kIteration, tr, "it", static_cast<Picos>(a * ms), static_cast<Picos>(b * ms));
    if (b >= 1.0 && a <= 2.0) ++overlapping;
  }
  const SpanCounts& c = t.counts(SpanKind::kIteration);
  EXPECT_EQ(c.recorded, spans.size());
  EXPECT_EQ(c.kept, overlapping);
  EXPECT_EQ(c.outside_window, spans.size() - overlapping);
  nlohmann::json j;
  const auto evs = parse_events(text_of(t), &j);
  EXPECT_EQ(count_cat(evs, "iteration"), overlapping);  // kept whole, not clipped
  EXPECT_EQ(j["otherData"]["spans"]["iteration"]["outside_window"], spans.size() - overlapping);
  EXPECT_NE(j["otherData"]["left_out"].get<std::string>().find("outside the window"),
            std::string::npos);
  // Bad windows are refused with the rule broken.
  for (const char* bad : {"2:1", "1", "a:2", "-1:2", "1:1", "1:2x"})
    EXPECT_THROW(parse_timeline_window(bad, "--perfetto-window", o), InputError) << bad;
}

TEST(TimelineBounds, LimitLeavesOutTheLeastImportantKindsFirstAndSaysSo) {
  TimelineOptions o;
  o.max_spans = 12;
  Timeline t(o);
  const auto req = t.track("requests", 1, "slot 0", 0);
  const auto eng = t.track("cluster 0", 10, "t0.ttu", 0);
  const auto hbm = t.track("HBM stack 0", 40, "ch 00", 0);
  const auto ops = t.track("serving", 2, "iterations", 0);
  for (int i = 0; i < 2; ++i) t.span(SpanKind::kRequest, req, "request", i * 10, i * 10 + 5);
  for (int i = 0; i < 10; ++i)
    t.span(SpanKind::kEngine, eng, fmt::format("e{}", i), i * 10, i * 10 + 5);
  // Full: HBM spans are the least important, so they are refused.
  for (int i = 0; i < 5; ++i) t.span(SpanKind::kHbm, hbm, "busy", i * 10, i * 10 + 5);
  // Operators outrank engines: each evicts the latest engine span.
  for (int i = 0; i < 3; ++i) t.span(SpanKind::kOperator, ops, "op", i * 10, i * 10 + 5);
  EXPECT_EQ(t.kept(), o.max_spans);
  EXPECT_EQ(t.counts(SpanKind::kHbm).over_limit, 5u);
  EXPECT_EQ(t.counts(SpanKind::kEngine).over_limit, 3u);
  EXPECT_EQ(t.counts(SpanKind::kOperator).kept, 3u);
  EXPECT_EQ(t.counts(SpanKind::kRequest).kept, 2u);
  for (std::size_t k = 0; k < kSpanKinds; ++k) {
    const SpanCounts& c = t.counts(static_cast<SpanKind>(k));
    EXPECT_EQ(c.recorded, c.kept + c.outside_window + c.over_limit);
  }
  nlohmann::json j;
  const auto evs = parse_events(text_of(t), &j);
  // The engine spans kept are the earliest recorded.
  std::set<std::string> engines;
  for (const auto& e : evs)
    if (e.cat == "engine") engines.insert(e.name);
  EXPECT_EQ(engines, (std::set<std::string>{"e0", "e1", "e2", "e3", "e4", "e5", "e6"}));
  // Said in otherData, in the maia_timeline metadata event and on a track of its own.
  EXPECT_EQ(j["otherData"]["spans"]["engine"]["over_limit"], 3);
  EXPECT_EQ(j["otherData"]["spans"]["hbm"]["over_limit"], 5);
  bool meta = false, note = false;
  for (const auto& e : j["traceEvents"]) {
    if (e["name"] == "maia_timeline") meta = e["args"]["spans"]["hbm"]["over_limit"] == 5;
    if (e["ph"] == "X" && e["name"].get<std::string>().starts_with("left out 8 of 20 spans"))
      note = true;
  }
  EXPECT_TRUE(meta);
  EXPECT_TRUE(note);
  EXPECT_NE(t.left_out_summary().find("engine 3 (3 over the limit)"), std::string::npos)
      << t.left_out_summary();
}

TEST(TimelineBounds, StagedSpansLandShiftedAndThenMeetTheWindow) {
  TimelineOptions o;
  o.window_start = 1000;
  o.window_end = 2000;
  Timeline t(o);
  const auto tr = t.track("serving", 2, "iterations", 0);
  t.begin_staging();
  EXPECT_EQ(t.cursor(), 0);
  t.span(SpanKind::kOperator, tr, "near", 0, 500);
  t.span(SpanKind::kOperator, tr, "far", 5000, 6000);
  EXPECT_EQ(t.counts(SpanKind::kOperator).recorded, 0u);  // held back
  t.commit_staging(1200);                                 // near -> 1200..1700, far -> 6200..
  EXPECT_EQ(t.counts(SpanKind::kOperator).kept, 1u);
  EXPECT_EQ(t.counts(SpanKind::kOperator).outside_window, 1u);
}

TEST(TimelineBounds, CursorSumsDurationsBeforeRounding) {
  Timeline t;
  t.set_cursor(1000);
  for (int i = 0; i < 3; ++i) t.advance_cursor(0.0004);  // 0.4 ps each: 1.2 ps in all
  EXPECT_EQ(t.cursor(), 1001);
}

TEST(TimelineFormat, SameSpansGiveTheSameBytes) {
  const auto make = [] {
    Timeline t;
    for (int i = 0; i < 50; ++i)
      t.span(static_cast<SpanKind>(i % kSpanKinds),
             t.track(fmt::format("p{}", i % 3), i % 3, fmt::format("t{}", i % 7), i % 7),
             fmt::format("s\"{}", i), (i * 7919) % 1000, (i * 7919) % 1000 + i,
             SpanArgs{}.add("i", i).add("x", 0.1 * i).add("s", "a\\b"));
    return text_of(t);
  };
  const std::string a = make();
  EXPECT_EQ(a, make());
  expect_nested(parse_events(a));  // names and args with quotes and backslashes stay valid
}

// A hand-written program: one span per instruction on its engine's track, their summed
// durations equal to each engine's busy time, and HBM channel bytes conserved.
TEST(TimelineProgram, EngineAndHbmSpansAgreeWithTheRun) {
  Timeline t;
  ChipSession& session = rig().session;
  session.set_timeline(&t);
  const Program program = load_program(kSource + "/examples/programs/multicast.json", chip());
  t.set_cursor(0);
  const ProgramResult r = session.run(program);
  session.set_timeline(nullptr);
  const auto evs = parse_events(text_of(t));
  expect_nested(evs);
  std::map<std::string, std::pair<std::size_t, std::int64_t>> per_engine;  // count, sum of dur
  double hbm_bytes = 0;
  for (const auto& e : evs) {
    EXPECT_GE(e.ts, 0);
    EXPECT_LE(e.end, static_cast<std::int64_t>(std::ceil(r.time_ns)));
    if (e.cat == "engine") {
      // "cluster 0/t3.ttu" -> "c0.t3.ttu"; lanes ("#2") belong to their engine.
      std::string name = e.thread.substr(e.thread.find('/') + 1);
      name = name.substr(0, name.find(' '));
      const std::string cluster = e.thread.substr(8, e.thread.find('/') - 8);
      auto& pe = per_engine["chip.c" + cluster + "." + name];
      ++pe.first;
      pe.second += e.end - e.ts;
    }
    if (e.cat == "hbm") {
      hbm_bytes += e.args.at("bytes").get<double>();
      EXPECT_LE(e.args.at("bus_utilisation").get<double>(), 1.0);
    }
  }
  ASSERT_EQ(per_engine.size(), r.engines.size());
  for (const auto& es : r.engines) {
    ASSERT_TRUE(per_engine.count(es.name)) << es.name;
    const auto& [n, dur] = per_engine[es.name];
    EXPECT_EQ(static_cast<double>(n), es.instructions) << es.name;
    // Each span's ends are rounded down to whole ns: at most 1 ns off per span. Busy time is
    // the union of the spans (a DMA queue's overlap), so at most their sum.
    double span_sum = 0;
    for (const auto& [start, end] : es.spans_ns) span_sum += end - start;
    EXPECT_NEAR(static_cast<double>(dur), span_sum, static_cast<double>(n)) << es.name;
    EXPECT_LE(es.busy_ns, span_sum + 1e-6) << es.name;
  }
  EXPECT_GT(hbm_bytes, 0);
  EXPECT_DOUBLE_EQ(hbm_bytes, r.hbm_read_bytes + r.hbm_write_bytes);
}

// Operators sit inside iterations on the iterations track; returns how many.
std::size_t expect_operators_inside_iterations(const std::vector<Ev>& evs) {
  const std::vector<int> parent = expect_nested(evs);
  std::size_t n = 0;
  for (std::size_t i = 0; i < evs.size(); ++i) {
    if (evs[i].cat != "operator") continue;
    ++n;
    EXPECT_GE(parent[i], 0) << evs[i].name << " has no iteration around it";
    if (parent[i] >= 0) {
      EXPECT_EQ(evs[static_cast<std::size_t>(parent[i])].cat, "iteration");
    }
  }
  return n;
}

TEST(TimelineStaticBatch, IterationsFollowEachOtherWithOperatorsInside) {
  Timeline t;
  rig().session.set_timeline(&t);
  StaticBatchSpec spec;
  spec.batch = 2;
  spec.prompt = 64;
  spec.gen = 4;
  spec.decode_stride = 2;  // decode steps 0 and 2 simulated, step 1 interpolated
  const StaticBatchResult r = run_static_batch(rig().backend, llama8b(), kFp8, spec);
  rig().session.set_timeline(nullptr);
  const std::string text = text_of(t);
  const auto evs = parse_events(text);
  // A TTU runs one instruction at a time, so its track never needs a second lane: the
  // candidate schedules the executor measures for a window are not drawn over each other.
  EXPECT_EQ(text.find("ttu #"), std::string::npos);
  std::vector<Ev> its;
  for (const auto& e : evs)
    if (e.cat == "iteration") its.push_back(e);
  ASSERT_EQ(its.size(), 1 + r.decode.size());
  std::sort(its.begin(), its.end(), [](const Ev& a, const Ev& b) { return a.ts < b.ts; });
  EXPECT_EQ(its.front().name, "prefill");
  EXPECT_EQ(its.front().ts, 0);
  for (std::size_t i = 1; i < its.size(); ++i) EXPECT_EQ(its[i].ts, its[i - 1].end);
  // The last iteration ends at the run's e2e latency (ns, rounded down).
  EXPECT_NEAR(static_cast<double>(its.back().end), r.e2e_ns(), 1.0);
  EXPECT_TRUE(its[2].args.value("interpolated", false));
  // Operators: the prefill's and those of the two simulated decode steps.
  const std::size_t ops = expect_operators_inside_iterations(evs);
  EXPECT_EQ(ops, r.prefill.ops.size() + 2 * r.decode_sample.ops.size());
  EXPECT_GT(count_cat(evs, "engine"), 0u);
  // Requests: one each, first token at the end of prefill.
  std::size_t requests = 0;
  for (const auto& e : evs)
    if (e.name.starts_with("request ")) {
      ++requests;
      EXPECT_EQ(e.ts, 0);
      EXPECT_EQ(e.end, its.back().end);
    } else if (e.name == "prefill" && e.cat == "request") {
      EXPECT_EQ(e.end, its.front().end);
    }
  EXPECT_EQ(requests, static_cast<std::size_t>(spec.batch));
}

std::vector<Request> requests(int n, double rate) {
  std::vector<Request> out;
  for (int i = 0; i < n; ++i) {
    Request q;
    q.id = static_cast<std::uint64_t>(i);
    q.arrival_s = i / rate;
    q.input_tokens = 64 + 32 * i;
    q.output_tokens = 2 + i % 3;
    out.push_back(q);
  }
  return out;
}

ServingOptions serving_options(bool exact) {
  ServingOptions o;
  o.max_num_seqs = 4;
  o.max_batched_tokens = 512;
  o.exact = exact;
  return o;
}

TEST(TimelineServing, ExactRunNestsRequestsIterationsOperatorsAndEngines) {
  Timeline t;
  rig().session.set_timeline(&t);
  const ServingResult r =
      run_serving(rig().backend, llama8b(), kFp8, requests(4, 500.0), serving_options(true));
  rig().session.set_timeline(nullptr);
  const auto evs = parse_events(text_of(t));
  std::vector<Ev> its;
  for (const auto& e : evs)
    if (e.cat == "iteration" && !e.name.starts_with("host")) its.push_back(e);
  ASSERT_EQ(static_cast<std::int64_t>(its.size()), r.iterations);
  std::sort(its.begin(), its.end(), [](const Ev& a, const Ev& b) { return a.ts < b.ts; });
  for (std::size_t i = 1; i < its.size(); ++i) EXPECT_GE(its[i].ts, its[i - 1].end);
  // Every operator of every iteration, reused or not, inside its iteration.
  const std::size_t ops = expect_operators_inside_iterations(evs);
  EXPECT_EQ(ops, r.ops_simulated + r.ops_reused);
  std::size_t reused = 0;
  for (const auto& e : evs)
    if (e.cat == "operator" && e.args.at("reused").get<bool>()) ++reused;
  EXPECT_EQ(reused, r.ops_reused);
  // Engine and HBM activity happens inside iterations.
  std::size_t detail = 0;
  for (const auto& e : evs) {
    if (e.cat != "engine" && e.cat != "hbm") continue;
    ++detail;
    const auto it = std::upper_bound(its.begin(), its.end(), e.ts,
                                     [](std::int64_t ts, const Ev& x) { return ts < x.ts; });
    ASSERT_NE(it, its.begin()) << e.thread << " " << e.name << " before the first iteration";
    EXPECT_LE(e.end, std::prev(it)->end) << e.thread << " " << e.name;
  }
  EXPECT_GT(detail, 0u);
  // Requests: one span each from arrival to finish, with its phases inside.
  std::size_t requests_seen = 0;
  for (const auto& e : evs) {
    if (!e.name.starts_with("request ")) continue;
    ++requests_seen;
    const auto& rec = r.records.at(e.args.at("id").get<std::size_t>());
    EXPECT_NEAR(static_cast<double>(e.ts), rec.arrival_s * 1e9, 1.0);
    EXPECT_NEAR(static_cast<double>(e.end), *rec.finish_s * 1e9, 1.0);
  }
  EXPECT_EQ(requests_seen, r.records.size());
}

TEST(TimelineServing, CostModelRunDrawsNoMeasurementsOnTheServingClock) {
  Timeline t;
  rig().session.set_timeline(&t);
  const ServingResult r =
      run_serving(rig().backend, llama8b(), kFp8, requests(4, 500.0), serving_options(false));
  rig().session.set_timeline(nullptr);
  // The cost model's measurements ran, but none of them is drawn.
  EXPECT_GT(r.ops_simulated, 0u);
  EXPECT_EQ(t.counts(SpanKind::kOperator).recorded, 0u);
  EXPECT_EQ(t.counts(SpanKind::kEngine).recorded, 0u);
  EXPECT_EQ(t.counts(SpanKind::kHbm).recorded, 0u);
  nlohmann::json j;
  const auto evs = parse_events(text_of(t), &j);
  expect_nested(evs);
  std::size_t its = 0;
  for (const auto& e : evs)
    if (e.cat == "iteration" && !e.name.starts_with("host")) {
      ++its;
      EXPECT_TRUE(e.args.at("estimated").get<bool>());
    }
  EXPECT_EQ(static_cast<std::int64_t>(its), r.iterations);
  EXPECT_NE(j["otherData"]["operator_detail"].get<std::string>().find("--exact"),
            std::string::npos);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
