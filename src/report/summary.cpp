#include "maia/report/summary.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/report/percentiles.hpp"
#include "maia/report/run_energy.hpp"

namespace maia {
namespace {

Json distribution_ms(const std::vector<double>& ns) {
  const Distribution d = distribution(ns);
  return Json{
      {"mean", d.mean / 1e6}, {"p50", d.p50 / 1e6}, {"p90", d.p90 / 1e6}, {"p99", d.p99 / 1e6}};
}

}  // namespace

Json op_measurement_json(const OpMeasurement& m, const EnergyCoefficients* energy) {
  const double t = m.time_ns;
  Json j{{"name", m.name},
         {"layer", m.layer},
         {"kind", m.kind},
         {"time_us", t / 1e3},
         {"flops", m.flops},
         {"hbm_bytes", m.hbm_bytes},
         {"sram_bytes", m.sram_bytes},
         {"achieved_tflops", t > 0 ? m.flops / t / 1e3 : 0.0},
         {"achieved_hbm_gbps", t > 0 ? m.hbm_bytes / t : 0.0},
         {"roofline_us", m.roofline_ns / 1e3},
         {"fraction_of_roofline", t > 0 ? m.roofline_ns / t : 0.0},
         {"bound", m.bound},
         {"reused", m.reused}};
  if (energy) {
    const double joules = op_energy(m, *energy).total();
    j["energy_uj"] = joules * 1e6;
    j["power_w"] = t > 0 ? joules / (t / 1e9) : 0.0;
  }
  return j;
}

double RequestMetrics::tpot_ns() const {
  return output_tokens > 1 ? (e2e_ns - ttft_ns) / static_cast<double>(output_tokens - 1) : 0.0;
}

Json summary_json(const RunSummary& s) {
  std::vector<double> ttft, tpot, e2e;
  std::int64_t output_tokens = 0, prompt_tokens = 0;
  for (const auto& r : s.requests) {
    ttft.push_back(r.ttft_ns);
    e2e.push_back(r.e2e_ns);
    // TPOT is undefined for a single output token: such requests are left out of its sample.
    if (r.output_tokens > 1) tpot.push_back(r.tpot_ns());
    output_tokens += r.output_tokens;
    prompt_tokens += r.prompt_tokens;
  }
  const double sim_s = s.simulated_ns / 1e9;
  const auto per_s = [&](double tokens) { return sim_s > 0 ? tokens / sim_s : 0.0; };
  const auto chips = static_cast<double>(s.chips());

  Json j;
  j["model"] = s.model;
  j["chip"] = s.chip;
  j["quantization"] = {{"weights", std::string(dtype_name(s.dtypes.weights))},
                       {"activations", std::string(dtype_name(s.dtypes.activations))},
                       {"kv_cache", std::string(dtype_name(s.dtypes.kv_cache))}};
  if (s.dtypes.experts)  // only when set: existing models' summaries are unchanged
    j["quantization"]["experts"] = std::string(dtype_name(*s.dtypes.experts));
  j["workload"] = s.workload;
  j["requests"] = {{"submitted", s.submitted},
                   {"completed", static_cast<std::int64_t>(s.requests.size())},
                   {"rejected", s.rejected}};
  j["latency"] = {{"ttft_ms", distribution_ms(ttft)},
                  {"tpot_ms", distribution_ms(tpot)},
                  {"e2e_ms", distribution_ms(e2e)}};
  j["throughput"] = {
      {"output_tokens", output_tokens},
      {"total_tokens", prompt_tokens + output_tokens},
      {"output_tokens_per_s", per_s(static_cast<double>(output_tokens))},
      {"total_tokens_per_s", per_s(static_cast<double>(prompt_tokens + output_tokens))},
      {"output_tokens_per_s_per_chip", per_s(static_cast<double>(output_tokens)) / chips}};
  // The group and what its NIC sent (measured) in each representative iteration.
  Json network = Json::object();
  for (const auto& p : s.op_phases) {
    double bytes = 0;
    for (const auto& m : p.ops) bytes += m.network_bytes;
    network[p.phase] = bytes;
  }
  j["parallelism"] = {{"tensor_parallel", s.tensor_parallel},
                      {"chips", s.chips()},
                      {"nic_tx_bytes_per_iteration", network}};
  if (s.expert_parallel > 1 || s.pipeline_parallel > 1 || s.data_parallel > 1) {
    j["parallelism"]["expert_parallel"] = s.expert_parallel;
    j["parallelism"]["pipeline_parallel"] = s.pipeline_parallel;
    j["parallelism"]["data_parallel"] = s.data_parallel;
  }
  if (!s.system.is_null()) j["system"] = s.system;
  Json phases = Json::object();
  for (const auto& p : s.phases)
    phases[p.name] = {
        {"iterations", p.iterations},
        {"simulated_iterations", p.simulated_iterations},
        {"tokens", p.tokens},
        {"time_ms", p.time_ns / 1e6},
        {"mean_iteration_ms",
         p.iterations > 0 ? p.time_ns / 1e6 / static_cast<double>(p.iterations) : 0.0}};
  j["phases"] = phases;
  j["memory"] = {{"weight_bytes", s.memory.weight_bytes},
                 {"kv_cache_bytes", s.memory.kv_cache_bytes},
                 {"workspace_bytes", s.memory.workspace_bytes},
                 {"total_bytes", s.memory.total()},
                 {"hbm_capacity_bytes", s.hbm_capacity_bytes}};
  j["simulation"] = {{"simulated_s", sim_s},
                     {"wall_s", s.wall_s},
                     {"ops_simulated", s.ops_simulated},
                     {"ops_reused", s.ops_reused},
                     {"memoize", s.memoize}};
  if (s.energy) {
    const RunEnergy e = run_energy(s, *s.energy);
    j["energy"] = energy_json(e);
    if (s.cost) j["cost"] = cost_json(e, *s.cost);
  }
  return j;
}

void write_ops_csv(const std::vector<OpPhase>& phases, const std::string& file,
                   const EnergyCoefficients* energy) {
  std::ofstream out(file);
  if (!out) throw InputError(fmt::format("{}: cannot write file", file));
  out << "phase,name,layer,kind,time_us,flops,hbm_bytes,sram_bytes,achieved_tflops,"
         "achieved_hbm_gbps,roofline_us,fraction_of_roofline,bound,reused,window,overlap_us"
      << (energy ? ",energy_uj,power_w\n" : "\n");
  for (const auto& p : phases)
    for (const auto& m : p.ops) {
      // FLOP/ns = GFLOP/s, so /1e3 gives TFLOP/s; byte/ns = GB/s.
      const double t = m.time_ns;
      out << fmt::format(
          "{},{},{},{},{:.6f},{:.0f},{:.0f},{:.0f},{:.6g},{:.6g},{:.6f},{:.6f},{},{},{},{:.6f}",
          csv_quote(p.phase), csv_quote(m.name), m.layer, csv_quote(m.kind), t / 1e3, m.flops,
          m.hbm_bytes, m.sram_bytes, t > 0 ? m.flops / t / 1e3 : 0.0, t > 0 ? m.hbm_bytes / t : 0.0,
          m.roofline_ns / 1e3, t > 0 ? m.roofline_ns / t : 0.0, csv_quote(m.bound),
          m.reused ? "true" : "false", m.window, m.overlap_ns / 1e3);
      if (energy) {
        const double joules = op_energy(m, *energy).total();
        out << fmt::format(",{:.6f},{:.6g}", joules * 1e6, t > 0 ? joules / (t / 1e9) : 0.0);
      }
      out << "\n";
    }
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

void write_run_outputs(const RunSummary& s, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create directory: {}", dir, ec.message()));
  const std::string summary = (std::filesystem::path(dir) / "summary.json").string();
  std::ofstream out(summary);
  if (!out) throw InputError(fmt::format("{}: cannot write file", summary));
  out << summary_json(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!out) throw InputError(fmt::format("{}: write failed", summary));
  write_ops_csv(s.op_phases, (std::filesystem::path(dir) / "ops.csv").string(),
                s.energy ? &*s.energy : nullptr);
}

}  // namespace maia
