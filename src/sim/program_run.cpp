#include "maia/sim/program_run.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/chip/chip.hpp"

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

ProgramResult run_program(const ChipConfig& cfg, const Program& program, const RunOptions& opt) {
  auto chip = std::make_unique<Chip>("chip", cfg);
  chip->load(program);
  if (opt.max_sim_time_ms > 0)
    sc_core::sc_start(sc_core::sc_time(opt.max_sim_time_ms, sc_core::SC_MS));
  else
    sc_core::sc_start();
  if (!chip->finished()) {
    const auto stuck = chip->stuck_engines();
    const bool limit = opt.max_sim_time_ms > 0 && sc_core::sc_pending_activity();
    std::string msg =
        limit ? fmt::format("{}: simulated-time limit of {} ms reached; unfinished queues:",
                            program.source, opt.max_sim_time_ms)
              : fmt::format(
                    "{}: deadlock: {} queue(s) can never proceed (their semaphores "
                    "are never signalled enough):",
                    program.source, stuck.size());
    for (const auto& s : stuck) msg += "\n  " + s;
    throw SimulationError(msg);
  }
  ProgramResult r;
  r.program = program.name;
  r.chip = cfg.name;
  const Picos end = chip->finish_time();
  r.time_ns = ps_to_ns(end);
  r.cycles = static_cast<double>(end) * cfg.clock_ghz / 1000.0;
  std::vector<StatGroup> engine_stats;
  for (const auto* e : chip->loaded_engines()) e->collect_stats(engine_stats);  // one group each
  const auto engines = chip->loaded_engines();
  for (std::size_t i = 0; i < engines.size(); ++i) {
    const StatGroup& g = engine_stats[i];
    EngineSummary e{
        g.name(), g.get("instructions"), g.get("busy_ns"), g.get("semaphore_wait_ns"), {}};
    for (const auto& s : engines[i]->spans())
      e.spans_ns.emplace_back(ps_to_ns(s.start), ps_to_ns(s.end));
    r.engines.push_back(std::move(e));
  }
  r.modules = chip->stats();
  const auto& m = r.modules;
  r.hbm_read_bytes = sum_stat(m, "chip.hbm", "read_bytes");
  r.hbm_write_bytes = sum_stat(m, "chip.hbm", "write_bytes");
  if (!chip->hbm()) {  // third-party memory: count what the DMAs asked for
    r.hbm_read_bytes = sum_stat(m, "", "hbm_read_bytes") + sum_stat(m, "host_dma", "to_host_bytes");
    r.hbm_write_bytes =
        sum_stat(m, "", "hbm_write_bytes") + sum_stat(m, "host_dma", "to_device_bytes");
  }
  r.csram_read_bytes = sum_stat(m, ".csram", "read_bytes");
  r.csram_write_bytes = sum_stat(m, ".csram", "write_bytes");
  r.tsram_read_bytes = sum_stat(m, ".tsram", "read_bytes");
  r.tsram_write_bytes = sum_stat(m, ".tsram", "write_bytes");
  r.noc_link_bytes = sum_stat(m, "chip.gnoc", "data_link_bytes");
  r.pcie_h2d_bytes = sum_stat(m, "chip.host", "h2d_payload_bytes");
  r.pcie_d2h_bytes = sum_stat(m, "chip.host", "d2h_payload_bytes");
  r.ttu_flops = sum_stat(m, ".ttu", "flops");
  r.tvp_flops = sum_stat(m, ".tvp", "flops");
  if (!opt.include_module_stats) r.modules.clear();
  return r;
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
