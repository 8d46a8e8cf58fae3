#include "maia/sim/timeline_recording.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>

#include <fmt/format.h>

#include "maia/hw/chip/chip.hpp"

namespace maia {
namespace {

// Display order of the processes.
constexpr int kRequestsOrder = 1, kServingOrder = 2, kClusterOrder = 10, kHostOrder = 30,
              kNicOrder = 35, kHbmOrder = 40;

std::uint32_t engine_track(Timeline& t, const Queue& q) {
  const Location& at = q.location;
  if (at.kind == Location::Kind::kHost)
    return t.track("host", kHostOrder, engine_name(at, q.engine, q.channel),
                   static_cast<int>(q.engine));
  if (at.kind == Location::Kind::kNic)
    return t.track("nic", kNicOrder, engine_name(at, q.engine, q.channel), q.channel);
  const std::string process = fmt::format("cluster {}", at.cluster);
  const int order = kClusterOrder + at.cluster;
  if (at.kind == Location::Kind::kCluster)
    return t.track(process, order, fmt::format("dma{}", q.channel), 100000 + q.channel);
  // Tile engines: by tile, then TTU, TVP, DMA, TCP.
  return t.track(process, order, fmt::format("t{}.{}", at.tile, engine_kind_name(q.engine)),
                 at.tile * 8 + static_cast<int>(q.engine));
}

SpanArgs instruction_args(const Instruction& in, std::size_t index) {
  SpanArgs a;
  a.add("instr", static_cast<std::uint64_t>(index));
  switch (in.op) {
    case OpCode::kGemm:
      a.add("m", in.m).add("n", in.n).add("k", in.k);
      break;
    case OpCode::kVector:
      a.add("function", in.function).add("elements", in.elements);
      break;
    case OpCode::kCopy:
    case OpCode::kMulticast:
      a.add("bytes", in.bytes);
      break;
    case OpCode::kScalar:
    case OpCode::kCommand:
      a.add("cycles", in.cycles);
      break;
  }
  return a;
}

}  // namespace

std::uint32_t timeline_request_track(Timeline& t, std::size_t slot) {
  return t.track("requests", kRequestsOrder, fmt::format("slot {}", slot), static_cast<int>(slot));
}

std::uint32_t timeline_iteration_track(Timeline& t) {
  return t.track("serving", kServingOrder, "iterations", 0);
}

void record_program_activity(Timeline& t, const Program& program, Chip& chip, Picos session_start) {
  HbmSubsystem* hbm = chip.hbm();
  if (!t.detail()) {
    if (hbm) hbm->take_activity();  // not drawn: forget it
    return;
  }
  const Picos shift = t.cursor() - session_start;
  // The chip loads one engine per queue, in queue order.
  const std::vector<QueueEngine*> engines = chip.loaded_engines();
  for (std::size_t q = 0; q < program.queues.size() && q < engines.size(); ++q) {
    const Queue& queue = program.queues[q];
    const std::uint32_t track = engine_track(t, queue);
    const auto& spans = engines[q]->spans();
    for (std::size_t i = 0; i < spans.size() && i < queue.instructions.size(); ++i) {
      const Instruction& in = queue.instructions[i];
      t.span(SpanKind::kEngine, track, opcode_name(in.op), spans[i].start + shift,
             spans[i].end + shift, instruction_args(in, i));
    }
  }
  if (!hbm) return;
  const auto activity = hbm->take_activity();
  const std::size_t per_stack = hbm->channels_per_stack();
  const double pcs = static_cast<double>(hbm->pseudo_channels_per_channel());
  for (std::size_t c = 0; c < activity.size(); ++c) {
    if (activity[c].empty()) continue;
    const std::size_t stack = c / per_stack, channel = c % per_stack;
    const std::uint32_t track =
        t.track(fmt::format("HBM stack {}", stack), kHbmOrder + static_cast<int>(stack),
                fmt::format("ch {:02}", channel), static_cast<int>(channel));
    for (const HbmBusyInterval& b : activity[c]) {
      const double span_ps = static_cast<double>(std::max<Picos>(b.end - b.start, 1));
      SpanArgs a;
      a.add("bytes", b.bytes)
          .add("bus_busy_ns", ps_to_ns(b.bus_busy_ps))
          .add("bus_utilisation", static_cast<double>(b.bus_busy_ps) / (pcs * span_ps));
      t.span(SpanKind::kHbm, track, "busy", b.start + shift, b.end + shift, a);
    }
  }
}

void record_operator(Timeline& t, const OpMeasurement& m, bool iteration_reused) {
  if (!t.detail()) return;
  const Picos start = t.cursor();
  t.advance_cursor(m.time_ns);
  SpanArgs a;
  a.add("layer", m.layer)
      .add("kind", m.kind)
      .add("time_ns", m.time_ns)
      .add("roofline_ns", m.roofline_ns)
      .add("bound", m.bound)
      .add("bound_utilisation", m.bound_utilisation)
      .add("flops", m.flops)
      .add("hbm_bytes", m.hbm_bytes)
      .add("reused", m.reused || iteration_reused);
  if (m.prefetched) a.add("prefetched", true);
  if (m.prefetches_next) a.add("prefetches_next", true);
  if (m.weights_resident) a.add("weights_resident", true);
  t.span(SpanKind::kOperator, timeline_iteration_track(t), m.name, start, t.cursor(), a);
}

void record_iteration(Timeline& t, Picos start, Picos end, std::string_view name,
                      const SpanArgs& args) {
  t.span(SpanKind::kIteration, timeline_iteration_track(t), name, start, end, args);
}

void record_requests(Timeline& t, const std::vector<RequestTimeline>& requests) {
  std::vector<std::size_t> order(requests.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return requests[a].arrival < requests[b].arrival;
  });
  // Busy slots by the end of their request; free slots, lowest first.
  using Busy = std::pair<Picos, std::size_t>;
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
  std::set<std::size_t> free;
  std::size_t slots = 0;
  for (std::size_t i : order) {
    const RequestTimeline& r = requests[i];
    Picos end = r.arrival;
    for (Picos p : {r.scheduled, r.first_token, r.finish}) end = std::max(end, p);
    while (!busy.empty() && busy.top().first <= r.arrival) {
      free.insert(busy.top().second);
      busy.pop();
    }
    std::size_t slot = slots;
    if (!free.empty()) {
      slot = *free.begin();
      free.erase(free.begin());
    } else {
      ++slots;
    }
    busy.emplace(end, slot);
    const std::uint32_t track = timeline_request_track(t, slot);
    t.span(SpanKind::kRequest, track,
           fmt::format("request {}{}", r.id, r.rejected ? " (rejected)" : ""), r.arrival, end,
           r.args);
    // Phases, each clamped into the request.
    const auto phase = [&](const char* name, Picos from, Picos to) {
      if (from < 0 || to < 0) return;
      from = std::clamp(from, r.arrival, end);
      to = std::clamp(to, from, end);
      if (to == from) return;  // a phase it did not go through (e.g. never queued)
      t.span(SpanKind::kRequest, track, name, from, to, SpanArgs{}.add("request", r.id));
    };
    phase("queued", r.arrival, r.scheduled);
    phase("prefill", r.scheduled, r.first_token);
    phase("decode", r.first_token, r.finish);
  }
}

}  // namespace maia
