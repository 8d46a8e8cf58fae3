#include "maia/sim/program_run.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/chip/chip.hpp"
#include "maia/sim/timeline_recording.hpp"

namespace maia {

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

double sum_stat(const std::vector<StatGroup>& groups, const std::string& group_suffix,
                const std::string& stat) {
  double total = 0;
  for (const auto& g : groups) {
    if (!ends_with(g.name(), group_suffix)) continue;
    for (const auto& s : g.stats())
      if (s.name == stat) total += s.value;
  }
  return total;
}

namespace {

// Bytes and FLOPs summed over modules (cumulative counters), to diff around a phase.
struct LevelTotals {
  double hbm_read = 0, hbm_write = 0, csram_read = 0, csram_write = 0, tsram_read = 0,
         tsram_write = 0, noc = 0, pcie_h2d = 0, pcie_d2h = 0, ttu_flops = 0, tvp_flops = 0,
         nic_tx = 0, nic_rx = 0;
  Activity activity;  // the counts the energy model prices
};

LevelTotals level_totals(const std::vector<StatGroup>& m, bool builtin_hbm) {
  LevelTotals t;
  if (builtin_hbm) {
    t.hbm_read = sum_stat(m, "chip.hbm", "read_bytes");
    t.hbm_write = sum_stat(m, "chip.hbm", "write_bytes");
  } else {  // third-party memory: count what the DMAs asked for
    t.hbm_read = sum_stat(m, "", "hbm_read_bytes") + sum_stat(m, "host_dma", "to_host_bytes");
    t.hbm_write = sum_stat(m, "", "hbm_write_bytes") + sum_stat(m, "host_dma", "to_device_bytes");
  }
  t.csram_read = sum_stat(m, ".csram", "read_bytes");
  t.csram_write = sum_stat(m, ".csram", "write_bytes");
  t.tsram_read = sum_stat(m, ".tsram", "read_bytes");
  t.tsram_write = sum_stat(m, ".tsram", "write_bytes");
  t.noc = sum_stat(m, "chip.gnoc", "data_link_bytes");
  t.pcie_h2d = sum_stat(m, "chip.host", "h2d_payload_bytes");
  t.pcie_d2h = sum_stat(m, "chip.host", "d2h_payload_bytes");
  t.ttu_flops = sum_stat(m, ".ttu", "flops");
  t.tvp_flops = sum_stat(m, ".tvp", "flops");
  t.nic_tx = sum_stat(m, "chip.nic", "tx_bytes");
  t.nic_rx = sum_stat(m, "chip.nic", "rx_bytes");
  Activity& a = t.activity;
  a.macs_fp4 = sum_stat(m, ".ttu", "macs_fp4");
  a.macs_fp8 = sum_stat(m, ".ttu", "macs_fp8");
  a.macs_bf16 = sum_stat(m, ".ttu", "macs_bf16");
  a.vector_ops = t.tvp_flops;
  a.near_sram_read_bytes = t.tsram_read;
  a.near_sram_write_bytes = t.tsram_write;
  a.far_sram_read_bytes = t.csram_read;
  a.far_sram_write_bytes = t.csram_write;
  a.noc_byte_hops = t.noc;  // bytes summed over every link they crossed
  if (builtin_hbm) {
    a.hbm_activates = sum_stat(m, "chip.hbm", "activates");
    a.hbm_refreshes = sum_stat(m, "chip.hbm", "refreshes");
  }
  a.hbm_read_bytes = t.hbm_read;
  a.hbm_write_bytes = t.hbm_write;
  a.network_bytes = t.nic_tx;
  a.pcie_bytes = t.pcie_h2d + t.pcie_d2h;
  return t;
}

}  // namespace

ChipSession::ChipSession(const ChipConfig& cfg)
    : cfg_(cfg), chip_(std::make_unique<Chip>("chip", cfg)) {}

ChipSession::~ChipSession() = default;

double ChipSession::now_ns() const { return ps_to_ns(now_ps()); }

void ChipSession::set_timeline(Timeline* timeline) {
  timeline_ = timeline;
  if (chip_->hbm()) chip_->hbm()->log_activity(timeline_ != nullptr, kTimelineHbmMergeGap);
}

ProgramResult ChipSession::run(const Program& program, const RunOptions& opt) {
  Chip& chip = *chip_;
  const bool builtin = chip.hbm() != nullptr;
  if (opt.canonical_start && builtin) {
    const Picos period = chip.hbm()->timing().tREFI;
    const Picos now = now_ps();
    const Picos aligned = (now + 2 * period - 1) / period * period;  // at least one interval idle
    if (aligned > now)
      sc_core::sc_start(sc_core::sc_time(static_cast<double>(aligned - now), sc_core::SC_PS));
    chip.hbm()->precharge_all(aligned);
  }
  const LevelTotals before = level_totals(chip.stats(), builtin);
  const Picos start = now_ps();
  chip.load(program);
  // Never past kNever: a program whose times saturated there stops at the limit.
  const double range_ms = ps_to_seconds(kNever - start) * 1e3;
  const double limit_ms =
      opt.max_sim_time_ms > 0 ? std::min(opt.max_sim_time_ms, range_ms) : range_ms;
  sc_core::sc_start(sc_core::sc_time(limit_ms, sc_core::SC_MS), sc_core::SC_EXIT_ON_STARVATION);
  if (!chip.finished()) {
    const auto stuck = chip.stuck_engines();
    const bool limit = sc_core::sc_pending_activity();
    std::string msg =
        limit ? fmt::format("{}: simulated-time limit of {:g} ms reached{}; unfinished queues:",
                            program.source, limit_ms,
                            limit_ms < opt.max_sim_time_ms || opt.max_sim_time_ms <= 0
                                ? " (the simulator's time range)"
                                : "")
              : fmt::format(
                    "{}: deadlock: {} queue(s) can never proceed (their semaphores "
                    "are never signalled enough):",
                    program.source, stuck.size());
    for (const auto& s : stuck) msg += "\n  " + s;
    chip.unload();
    throw SimulationError(msg);
  }
  ProgramResult r;
  r.program = program.name;
  r.chip = cfg_.name;
  const Picos end = std::max(start, chip.finish_time());
  r.time_ns = ps_to_ns(end - start);
  r.cycles = static_cast<double>(end - start) * cfg_.clock_ghz / 1000.0;
  for (const auto* e : chip.loaded_engines()) {
    std::vector<StatGroup> g;
    e->collect_stats(g);
    EngineSummary es{e->name(), static_cast<double>(e->spans().size()), 0, 0, {}};
    // The union of the spans, not their sum: a DMA queue keeps several transfers in flight.
    es.busy_ns = ps_to_ns(e->phase_busy_ps());
#ifndef NDEBUG
    // Busy time cannot exceed the time that passed; a violation is a defect of the model.
    if (es.busy_ns > r.time_ns * (1 + 1e-9) + 1e-6)
      throw std::logic_error(fmt::format("{}: busy {} ns in a {} ns run (utilisation over 100%)",
                                         es.name, es.busy_ns, r.time_ns));
#endif
    for (const auto& s : e->spans())
      es.spans_ns.emplace_back(ps_to_ns(s.start - start), ps_to_ns(s.end - start));
    es.semaphore_wait_ns = g.front().get("semaphore_wait_ns");
    r.engines.push_back(std::move(es));
  }
  r.modules = chip.stats();
  const LevelTotals after = level_totals(r.modules, builtin);
  r.hbm_read_bytes = after.hbm_read - before.hbm_read;
  r.hbm_write_bytes = after.hbm_write - before.hbm_write;
  r.csram_read_bytes = after.csram_read - before.csram_read;
  r.csram_write_bytes = after.csram_write - before.csram_write;
  r.tsram_read_bytes = after.tsram_read - before.tsram_read;
  r.tsram_write_bytes = after.tsram_write - before.tsram_write;
  r.noc_link_bytes = after.noc - before.noc;
  r.pcie_h2d_bytes = after.pcie_h2d - before.pcie_h2d;
  r.pcie_d2h_bytes = after.pcie_d2h - before.pcie_d2h;
  r.ttu_flops = after.ttu_flops - before.ttu_flops;
  r.tvp_flops = after.tvp_flops - before.tvp_flops;
  r.nic_tx_bytes = after.nic_tx - before.nic_tx;
  r.nic_rx_bytes = after.nic_rx - before.nic_rx;
  r.activity = after.activity - before.activity;
  if (timeline_) record_program_activity(*timeline_, program, chip, start);
  chip.unload();
  if (!opt.include_module_stats) r.modules.clear();
  return r;
}

ProgramResult run_program(const ChipConfig& cfg, const Program& program, const RunOptions& opt) {
  ChipSession session(cfg);
  return session.run(program, opt);
}

Json ProgramResult::to_json(bool include_modules) const {
  Json j;
  j["program"] = program;
  j["chip"] = chip;
  j["time_ns"] = time_ns;
  j["cycles"] = cycles;
  Json engines_j = Json::array();
  for (const auto& e : engines) {
    Json ej;
    ej["name"] = e.name;
    ej["instructions"] = e.instructions;
    ej["busy_ns"] = e.busy_ns;
    ej["utilisation"] = time_ns > 0 ? e.busy_ns / time_ns : 0.0;
    ej["semaphore_wait_ns"] = e.semaphore_wait_ns;
    engines_j.push_back(ej);
  }
  j["engines"] = engines_j;
  j["bytes"] = {{"hbm_read", hbm_read_bytes},     {"hbm_write", hbm_write_bytes},
                {"csram_read", csram_read_bytes}, {"csram_write", csram_write_bytes},
                {"tsram_read", tsram_read_bytes}, {"tsram_write", tsram_write_bytes},
                {"noc_link", noc_link_bytes},     {"pcie_h2d", pcie_h2d_bytes},
                {"pcie_d2h", pcie_d2h_bytes}};
  j["flops"] = {{"ttu", ttu_flops}, {"tvp", tvp_flops}};
  if (include_modules) {
    Json mj = Json::object();
    for (const auto& g : modules) mj[g.name()] = g.to_json();
    j["modules"] = mj;
  }
  return j;
}

}  // namespace maia
