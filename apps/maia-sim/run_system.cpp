#include "run_system.hpp"

#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/kernels/collective_kernel.hpp"

namespace maia::cli {

std::string default_maia_system_file(std::int64_t chips, std::int64_t tray) {
  const auto dir = std::filesystem::path(default_chip_file()).parent_path() / "systems";
  return (dir / (chips <= tray ? "maia200-tray.json" : "maia200-cluster-6144.json")).string();
}

RunSystem make_run_system(const std::string& system_file, bool chip_given, AnyChipConfig& cfg,
                          const Degrees& d) {
  RunSystem rs;
  const std::int64_t chips = d.chips();
  if (system_file.empty() && chips <= 1) return rs;
  SystemConfig sys;
  if (!system_file.empty()) {
    sys = load_system_config(system_file);
    if (chip_given)
      sys = with_chip(sys, cfg);
    else
      cfg = sys.chip;
    rs.chosen = "--system " + system_file;
  } else if (const auto* maia = std::get_if<ChipConfig>(&cfg)) {
    const std::string file = default_maia_system_file(chips, tensor_parallel_limit(*maia));
    sys = with_chip(load_system_config(file), cfg);
    rs.chosen = fmt::format("default for {} chips: {}", chips, file);
  } else {
    sys = nvlink_domain_system(cfg, chip_name(cfg));
    rs.chosen = "default for a GPU: its NVLink switch domain";
  }
  if (chips > sys.chips)
    throw InputError(fmt::format(
        "maia-sim run: --tp {} x --ep {} x --pp {} x --dp {} = {} chips: the system {} ({}) has "
        "{} chips",
        d.tp, d.ep, d.pp, d.dp, chips, sys.name, sys.file, sys.chips));
  // Every group a collective runs on must be one the topology can form (whole trays, ...).
  if (d.tp > 1) (void)sys.topology->tiers(d.tp, fmt::format("--tp {}", d.tp));
  if (d.ep > 1) (void)sys.topology->tiers(d.ep, fmt::format("--ep {}", d.ep));
  if (d.pp > 1)
    (void)sys.topology->tiers(d.tp * d.pp, fmt::format("--tp {} x --pp {}", d.tp, d.pp));
  rs.system = std::make_shared<const SystemConfig>(std::move(sys));
  rs.timer = make_collective_timer("analytical", rs.system, "collective fidelity");
  return rs;
}

Json system_json(const RunSystem& rs, const Degrees& d, const std::vector<OpPhase>& phases,
                 const PipelineRun* pipeline) {
  if (!rs.system) return Json();
  const SystemConfig& s = *rs.system;
  Json j;
  j["name"] = s.name;
  j["file"] = s.file;
  j["chosen"] = rs.chosen;
  j["topology"] = s.topology_name;
  j["topology_summary"] = s.topology->summary();
  j["system_chips"] = s.chips;
  j["chips"] = d.chips();
  j["fidelity"] = "symmetric";
  j["collective_fidelity"] = std::string(rs.timer->fidelity());
  j["degrees"] = {{"tp", d.tp}, {"ep", d.ep}, {"pp", d.pp}, {"dp", d.dp}};
  Json collectives = Json::object(), tiers = Json::object();
  for (const auto& p : phases) {
    double iteration_ns = 0;
    for (const auto& m : p.ops) iteration_ns += m.time_ns;
    struct Kind {
      std::int64_t count = 0;
      double bytes = 0, time_ns = 0;
      std::map<std::string, std::int64_t> by;  // "simulated" or "<fidelity> <algorithm>"
    };
    std::map<std::string, Kind> kinds;
    std::map<std::string, double> tier_ns;
    for (const auto& m : p.ops) {
      if (m.collective.empty()) continue;
      Kind& k = kinds[m.collective];
      ++k.count;
      k.bytes += m.network_bytes;
      k.time_ns += m.time_ns;
      const bool simulated = m.fidelity.empty();
      ++k.by[simulated ? std::string("simulated (NIC program)")
                       : fmt::format("{} ({})", m.fidelity, m.algorithm)];
      tier_ns[simulated ? std::string("tray (simulated)") : m.tier] += m.time_ns;
    }
    Json pk = Json::object();
    for (const auto& [name, k] : kinds) {
      Json by = Json::object();
      for (const auto& [how, n] : k.by) by[how] = n;
      pk[name] = {{"count", k.count},
                  {"network_bytes_per_chip", k.bytes},
                  {"time_ms", k.time_ns / 1e6},
                  {"share_of_iteration", iteration_ns > 0 ? k.time_ns / iteration_ns : 0.0},
                  {"timed_by", by}};
    }
    collectives[p.phase] = pk;
    Json pt = Json::object();
    for (const auto& [tier, ns] : tier_ns)
      pt[tier] = {{"time_ms", ns / 1e6},
                  {"share_of_iteration", iteration_ns > 0 ? ns / iteration_ns : 0.0}};
    tiers[p.phase] = pt;
  }
  j["collectives"] = collectives;
  j["tiers"] = tiers;
  if (pipeline) {
    const auto ms = [](const std::vector<double>& v) {
      Json a = Json::array();
      for (const double x : v) a.push_back(x / 1e6);
      return a;
    };
    const auto& p = *pipeline;
    j["pipeline"] = {{"stages", p.stages},
                     {"micro_batches", p.micro_batches},
                     {"micro_batch_requests", p.micro_batch_requests},
                     {"prefill",
                      {{"stage_ms", ms(p.prefill_stage_ns)},
                       {"send_recv_ms", p.prefill_link_ns / 1e6},
                       {"iteration_ms", p.prefill.time_ns / 1e6},
                       {"bubble_fraction", p.prefill.bubble_fraction}}},
                     {"decode",
                      {{"stage_ms", ms(p.decode_stage_ns)},
                       {"send_recv_ms", p.decode_link_ns / 1e6},
                       {"iteration_ms", p.decode.time_ns / 1e6},
                       {"bubble_fraction", p.decode.bubble_fraction}}}};
  }
  return j;
}

std::string system_text(const Json& s) {
  if (s.is_null()) return "";
  const Json& d = s["degrees"];
  std::string out = fmt::format(
      "system: {} chips (tp {} x ep {} x pp {} x dp {}) of {} ({}, {} chips), {} fidelity: one "
      "chip simulated, collectives beyond its direct links timed by the {} model\n",
      s["chips"].get<std::int64_t>(), d["tp"].get<std::int64_t>(), d["ep"].get<std::int64_t>(),
      d["pp"].get<std::int64_t>(), d["dp"].get<std::int64_t>(), s["name"].get<std::string>(),
      s["topology"].get<std::string>(), s["system_chips"].get<std::int64_t>(),
      s["fidelity"].get<std::string>(), s["collective_fidelity"].get<std::string>());
  if (s.contains("pipeline")) {
    const Json& p = s["pipeline"];
    out += fmt::format("  pipeline: {} stages, {} micro-batches of {} requests per iteration\n",
                       p["stages"].get<std::int64_t>(), p["micro_batches"].get<std::int64_t>(),
                       p["micro_batch_requests"].get<std::int64_t>());
    for (const char* phase : {"prefill", "decode"}) {
      const Json& q = p[phase];
      std::string stages;
      for (const auto& x : q["stage_ms"])
        stages += fmt::format("{}{:.3f}", stages.empty() ? "" : " / ", x.get<double>());
      out += fmt::format(
          "  pipeline {}: stages {} ms per micro-batch, send/recv {:.4f} ms; iteration {:.3f} ms, "
          "bubble {:.1f}%\n",
          phase, stages, q["send_recv_ms"].get<double>(), q["iteration_ms"].get<double>(),
          100 * q["bubble_fraction"].get<double>());
    }
  }
  for (auto it = s["collectives"].begin(); it != s["collectives"].end(); ++it) {
    std::string line;
    for (auto k = it.value().begin(); k != it.value().end(); ++k) {
      std::string by;
      for (auto b = k.value()["timed_by"].begin(); b != k.value()["timed_by"].end(); ++b)
        by += (by.empty() ? "" : ", ") + b.key();
      line += fmt::format("{}{} x{} {:.2f} MB {:.3f} ms ({:.1f}%; {})", line.empty() ? "" : "; ",
                          k.key(), k.value()["count"].get<std::int64_t>(),
                          k.value()["network_bytes_per_chip"].get<double>() / 1e6,
                          k.value()["time_ms"].get<double>(),
                          100 * k.value()["share_of_iteration"].get<double>(), by);
    }
    out +=
        fmt::format("  collectives per {} iteration: {}\n", it.key(), line.empty() ? "none" : line);
  }
  return out;
}

}  // namespace maia::cli
