#include "maia/hw/hbm/hbm_subsystem.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "maia/core/error.hpp"

namespace maia {

HbmSubsystem::HbmSubsystem(sc_core::sc_module_name name, const HbmConfig& cfg)
    : sc_core::sc_module(name),
      socket("socket"),
      map_(cfg),
      timing_(HbmTiming::from_config(cfg)),
      stacks_(static_cast<std::size_t>(cfg.stacks)),
      channels_(static_cast<std::size_t>(cfg.channels_per_stack)),
      pseudo_channels_(static_cast<std::size_t>(cfg.pseudo_channels)),
      peak_gbps_(hbm_peak_gbps(cfg)),
      burst_bytes_(static_cast<std::uint64_t>(cfg.burst_bytes)) {
  pcs_.reserve(stacks_ * channels_ * pseudo_channels_);
  for (std::size_t i = 0; i < stacks_ * channels_ * pseudo_channels_; ++i)
    pcs_.emplace_back(cfg, timing_);
  queue_.policy = &find_hbm_scheduler(cfg.scheduler, "hbm.scheduler");
  if (cfg.queue_depth < 1 || cfg.queue_depth > 512)
    throw InputError("hbm.queue_depth must be in [1, 512], got " + std::to_string(cfg.queue_depth));
  if (cfg.row_hit_cap < 1) throw InputError("hbm.row_hit_cap must be >= 1");
  queue_.depth = static_cast<std::size_t>(cfg.queue_depth);
  queue_.row_hit_cap = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.row_hit_cap, 1 << 30));
  socket.register_b_transport(this, &HbmSubsystem::b_transport);
  socket.register_transport_dbg(this, &HbmSubsystem::transport_dbg);
}

Picos HbmSubsystem::access(std::uint64_t addr, std::uint64_t len, bool write, Picos arrival) {
  const std::uint64_t cap = map_.capacity_bytes();
  if (addr >= cap || len > cap - addr) {
    if (len == 0 && addr <= cap) return arrival;
    throw std::out_of_range(std::string(name()) + ": access [" + std::to_string(addr) + ", +" +
                            std::to_string(len) + ") beyond capacity " + std::to_string(cap));
  }
  if (len == 0) return arrival;
  if (queue_.policy->reorders()) {
    const HbmRequest r{addr, len, write, arrival};
    Picos done = arrival;
    schedule_queued({&r, 1}, {&done, 1});
    return done + timing_.controller_latency;
  }
  Picos done = arrival;
  PseudoChannel* pcs = pcs_.data();
  // Inlined so that the per-unit path is one loop without calls.
  const auto unit = [&](const HbmLocation& loc, std::uint32_t, std::uint32_t bursts)
      __attribute__((always_inline)) {
    done = std::max(done, pcs[pc_index(loc)].access(loc, write, bursts, arrival));
  };
  if (!logging_) {
    map_.for_each_unit(addr, len, unit);
  } else {
    const auto logged = [&](const HbmLocation& loc, std::uint32_t, std::uint32_t bursts) {
      const Picos end = pcs[pc_index(loc)].access(loc, write, bursts, arrival);
      done = std::max(done, end);
      log_unit(static_cast<std::size_t>(loc.stack) * channels_ + loc.channel, end, bursts);
    };
    map_.for_each_unit(addr, len, logged);
  }
  return done + timing_.controller_latency;
}

std::vector<Picos> HbmSubsystem::access_batch(std::span<const HbmRequest> requests) {
  std::vector<Picos> done(requests.size());
  if (!queue_.policy->reorders()) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const HbmRequest& r = requests[i];
      done[i] = access(r.addr, r.len, r.write, r.arrival);
    }
    return done;
  }
  const std::uint64_t cap = map_.capacity_bytes();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const HbmRequest& r = requests[i];
    if (r.addr > cap || r.len > cap - r.addr)
      throw std::out_of_range(std::string(name()) + ": access [" + std::to_string(r.addr) + ", +" +
                              std::to_string(r.len) + ") beyond capacity " + std::to_string(cap));
    done[i] = r.arrival;
  }
  schedule_queued(requests, done);
  for (std::size_t i = 0; i < requests.size(); ++i)
    if (requests[i].len > 0) done[i] += timing_.controller_latency;
  return done;
}

void HbmSubsystem::schedule_queued(std::span<const HbmRequest> requests, std::span<Picos> done) {
  pending_.clear();
  pending_pc_.clear();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const HbmRequest& r = requests[i];
    map_.for_each_unit(
        r.addr, r.len, [&](const HbmLocation& loc, std::uint32_t, std::uint32_t bursts) {
          pending_.push_back({loc, r.write, bursts, r.arrival, static_cast<std::uint32_t>(i)});
          pending_pc_.push_back(static_cast<std::uint32_t>(pc_index(loc)));
        });
  }
  // Group per PC, oldest first; equal arrivals keep the order they were handed over in.
  // Scratch kept across calls (no allocation per request once warm).
  static thread_local std::vector<std::uint32_t> order;
  static thread_local std::vector<HbmPendingUnit> sorted;
  order.resize(pending_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return pending_pc_[a] != pending_pc_[b] ? pending_pc_[a] < pending_pc_[b]
                                            : pending_[a].arrival < pending_[b].arrival;
  });
  sorted.resize(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = pending_[order[i]];
  for (std::size_t begin = 0; begin < sorted.size();) {
    const std::uint32_t pc = pending_pc_[order[begin]];
    std::size_t end = begin;
    while (end < sorted.size() && pending_pc_[order[end]] == pc) ++end;
    const std::size_t channel = pc / pseudo_channels_;
    std::span<HbmPendingUnit> units(sorted.data() + begin, end - begin);
    if (logging_) {
      reordered_ +=
          issue_queued(pcs_[pc], queue_, units, done,
                       [&](const HbmPendingUnit& u, Picos e) { log_unit(channel, e, u.bursts); });
    } else {
      reordered_ +=
          issue_queued(pcs_[pc], queue_, units, done, [](const HbmPendingUnit&, Picos) {});
    }
    begin = end;
  }
}

void HbmSubsystem::log_activity(bool on, Picos merge_gap) {
  logging_ = on;
  merge_gap_ = merge_gap;
  activity_.assign(on ? stacks_ * channels_ : 0, {});
}

void HbmSubsystem::log_unit(std::size_t channel, Picos data_end, std::uint32_t bursts) {
  // The unit's bursts are slot_L apart on the bus, the last one ending at data_end.
  const Picos start = data_end - (static_cast<Picos>(bursts) - 1) * timing_.slot_L - timing_.tBL;
  auto& v = activity_[channel];
  const std::uint64_t bytes = bursts * burst_bytes_;
  const Picos busy = static_cast<Picos>(bursts) * timing_.tBL;
  if (!v.empty() && start <= v.back().end + merge_gap_ && data_end + merge_gap_ >= v.back().start) {
    HbmBusyInterval& b = v.back();
    b.start = std::min(b.start, start);
    b.end = std::max(b.end, data_end);
    b.bytes += bytes;
    b.bus_busy_ps += busy;
  } else {
    v.push_back({start, data_end, bytes, busy});
  }
}

std::vector<std::vector<HbmBusyInterval>> HbmSubsystem::take_activity() {
  std::vector<std::vector<HbmBusyInterval>> out(activity_.size());
  for (std::size_t c = 0; c < activity_.size(); ++c) {
    auto& v = activity_[c];
    // Units are logged in issue order, which is nearly but not always time order.
    std::sort(v.begin(), v.end(), [](const HbmBusyInterval& a, const HbmBusyInterval& b) {
      return a.start < b.start || (a.start == b.start && a.end < b.end);
    });
    for (const auto& i : v) {
      if (!out[c].empty() && i.start <= out[c].back().end + merge_gap_) {
        HbmBusyInterval& b = out[c].back();
        b.end = std::max(b.end, i.end);
        b.bytes += i.bytes;
        b.bus_busy_ps += i.bus_busy_ps;
      } else {
        out[c].push_back(i);
      }
    }
    v.clear();
  }
  return out;
}

void HbmSubsystem::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const tlm::tlm_command cmd = trans.get_command();
  if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const std::uint64_t addr = trans.get_address();
  const std::uint64_t len = trans.get_data_length();
  const std::uint64_t cap = map_.capacity_bytes();
  if (addr > cap || len > cap - addr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const Picos now = now_ps();
  const Picos arrival = now + from_sc(delay);
  const Picos done = access(addr, len, cmd == tlm::TLM_WRITE_COMMAND, arrival);
  delay = to_sc(done - now);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int HbmSubsystem::transport_dbg(tlm::tlm_generic_payload&) { return 0; }

void HbmSubsystem::collect_stats(std::vector<StatGroup>& out) const {
  struct Sums {
    double read_bytes = 0, write_bytes = 0, bursts = 0, row_hits = 0, row_misses_empty = 0,
           row_conflicts = 0, activates = 0, refreshes = 0, refresh_stall_ps = 0, turnarounds = 0,
           bus_busy_ps = 0;
  };
  Picos first = kNever;
  Picos last = 0;
  for (const PseudoChannel& pc : pcs_) {
    const PseudoChannelStats st = pc.stats();
    if (st.units == 0) continue;
    first = std::min(first, st.first_activity);
    last = std::max(last, st.last_activity);
  }
  const Picos span = last > first ? last - first : 0;

  const auto add = [&](Sums& s, const PseudoChannel& pc) {
    const PseudoChannelStats st = pc.stats();
    s.read_bytes += static_cast<double>(st.read_bytes);
    s.write_bytes += static_cast<double>(st.write_bytes);
    s.bursts += static_cast<double>(st.read_bursts + st.write_bursts);
    s.row_hits += static_cast<double>(st.row_hits);
    s.row_misses_empty += static_cast<double>(st.row_misses_empty);
    s.row_conflicts += static_cast<double>(st.row_conflicts);
    s.activates += static_cast<double>(st.activates);
    s.refreshes += static_cast<double>(span > 0 ? pc.refreshes_through(last) : st.refreshes);
    s.refresh_stall_ps += static_cast<double>(st.refresh_stall_ps);
    s.turnarounds += static_cast<double>(st.turnarounds);
    s.bus_busy_ps += static_cast<double>(st.bus_busy_ps);
  };
  const auto emit = [&](const std::string& group_name, const Sums& s, std::size_t pcs) {
    StatGroup g(group_name);
    g.set("read_bytes", s.read_bytes, "B", "bytes read on the PC data buses (whole bursts)");
    g.set("write_bytes", s.write_bytes, "B", "bytes written on the PC data buses (whole bursts)");
    g.set("bursts", s.bursts, "count", "column bursts, reads and writes");
    g.set("row_hits", s.row_hits, "count", "interleave units that found their row open");
    g.set("row_misses_empty", s.row_misses_empty, "count",
          "interleave units that activated a precharged bank");
    g.set("row_conflicts", s.row_conflicts, "count",
          "interleave units that precharged another row first");
    g.set("activates", s.activates, "count", "ACT commands");
    g.set("refreshes", s.refreshes, "count", "refresh commands through the last HBM activity");
    g.set("refresh_stall_ns", s.refresh_stall_ps / kPicosPerNs, "ns",
          "delay that refresh added to column commands, summed over pseudo-channels");
    g.set("turnarounds", s.turnarounds, "count", "read<->write direction changes on a PC");
    g.set("bus_busy_ns", s.bus_busy_ps / kPicosPerNs, "ns",
          "PC data-bus time carrying bursts, summed over pseudo-channels");
    const double denom = static_cast<double>(pcs) * static_cast<double>(span);
    g.set("bus_utilisation", denom > 0 ? s.bus_busy_ps / denom : 0.0, "fraction",
          "bus busy / (pseudo-channels * active span of the subsystem)");
    out.push_back(std::move(g));
  };

  // Total first, then one group per stack.
  const std::size_t per_stack = channels_ * pseudo_channels_;
  Sums total;
  std::vector<Sums> stacks(stacks_);
  for (std::size_t i = 0; i < pcs_.size(); ++i) {
    add(stacks[i / per_stack], pcs_[i]);
    add(total, pcs_[i]);
  }
  emit(name(), total, pcs_.size());
  for (std::size_t st = 0; st < stacks_; ++st)
    emit(std::string(name()) + ".stack" + std::to_string(st), stacks[st], per_stack);
}

void HbmSubsystem::precharge_all(Picos now) {
  for (auto& pc : pcs_) pc.precharge_all(now);
}

}  // namespace maia
