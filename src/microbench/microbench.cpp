#include "maia/microbench/microbench.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "maia/hw/chip/peaks.hpp"
#include "maia/sim/program_run.hpp"

namespace maia {
namespace {

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

const EngineSummary* find_engine(const ProgramResult& r, const std::string& suffix) {
  for (const auto& e : r.engines)
    if (e.name.size() >= suffix.size() &&
        e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return &e;
  return nullptr;
}

}  // namespace

Json microbench_gemm(const ChipConfig& chip, const GemmSpec& spec) {
  const GemmKernel k = build_gemm_kernel(chip, spec);
  RunOptions opt;
  opt.include_module_stats = true;
  const ProgramResult r = run_program(chip, k.program, opt);
  const double flops =
      2.0 * static_cast<double>(spec.m) * static_cast<double>(spec.n) * static_cast<double>(spec.k);
  const double secs = r.time_ns * 1e-9;
  const double peak = chip_peak_flops(chip, spec.a_dtype);
  double ttu_busy = 0;
  for (const auto& e : r.engines)
    if (e.name.ends_with(".ttu")) ttu_busy += e.busy_ns;
  const double stall = sum_stat(r.modules, ".ttu", "operand_stall_ns");
  Json j;
  j["benchmark"] = "gemm";
  j["dtype"] = std::string(dtype_name(spec.a_dtype));
  j["m"] = spec.m;
  j["n"] = spec.n;
  j["k"] = spec.k;
  j["achieved_tflops"] = flops / secs / 1e12;
  j["peak_tflops"] = peak / 1e12;
  j["fraction_of_peak"] = ratio(flops / secs, peak);
  j["time_us"] = r.time_ns / 1e3;
  j["cycles"] = r.cycles;
  j["plan"] = {{"bm", k.plan.bm},
               {"bn", k.plan.bn},
               {"bk", k.plan.bk},
               {"waves_per_cluster", k.plan.waves},
               {"k_chunks", k.plan.k_chunks}};
  j["ttu_utilisation"] = ratio(ttu_busy, r.time_ns * static_cast<double>(chip.enabled_tiles()));
  j["ttu_operand_stall_us"] = stall / 1e3;
  j["hbm_bytes"] = r.hbm_read_bytes + r.hbm_write_bytes;
  j["hbm_gbps"] = ratio(r.hbm_read_bytes + r.hbm_write_bytes, r.time_ns);
  j["instructions"] = [&] {
    double n = 0;
    for (const auto& e : r.engines) n += e.instructions;
    return n;
  }();
  j["bytes"] = r.to_json(false)["bytes"];
  return j;
}

Json microbench_hbm(const ChipConfig& chip, const HbmStreamSpec& spec) {
  const Program p = build_hbm_stream(chip, spec);
  const ProgramResult r = run_program(chip, p);
  const double bytes = r.hbm_read_bytes + r.hbm_write_bytes;
  const auto& m = r.modules;
  const double hits = sum_stat(m, "chip.hbm", "row_hits");
  const double empty = sum_stat(m, "chip.hbm", "row_misses_empty");
  const double conflicts = sum_stat(m, "chip.hbm", "row_conflicts");
  Json j;
  j["benchmark"] = "hbm";
  j["pattern"] = spec.random ? "random" : "seq";
  j["bytes"] = bytes;
  j["write_fraction"] = spec.write_fraction;
  if (spec.random) j["access_bytes"] = spec.access_bytes;
  j["achieved_gbps"] = ratio(bytes, r.time_ns);
  j["peak_gbps"] = hbm_peak_gbps(chip.hbm);
  j["fraction_of_peak"] = ratio(ratio(bytes, r.time_ns), hbm_peak_gbps(chip.hbm));
  j["time_us"] = r.time_ns / 1e3;
  j["row_hit_rate"] = ratio(hits, hits + empty + conflicts);
  j["row_hits"] = hits;
  j["row_misses_empty"] = empty;
  j["row_conflicts"] = conflicts;
  j["activates"] = sum_stat(m, "chip.hbm", "activates");
  j["refreshes"] = sum_stat(m, "chip.hbm", "refreshes");
  j["refresh_stall_ns"] = sum_stat(m, "chip.hbm", "refresh_stall_ns");
  j["turnarounds"] = sum_stat(m, "chip.hbm", "turnarounds");
  j["bus_utilisation"] = sum_stat(m, "chip.hbm", "bus_utilisation");
  j["noc_wait_ns"] = sum_stat(m, "chip.gnoc", "data_link_wait_ns");
  return j;
}

Json microbench_noc(const ChipConfig& chip, const NocTrafficSpec& spec) {
  const Program p = build_noc_traffic(chip, spec);
  const ProgramResult r = run_program(chip, p);
  double flows = 0;
  for (const auto& q : p.queues)
    for (const auto& in : q.instructions) flows += static_cast<double>(in.bytes);
  const double link = noc_link_gbps(chip.gnoc);
  const double peak =
      spec.test == "link" ? link : link * static_cast<double>(chip.gnoc.mesh_cols) * 2.0;
  Json j;
  j["benchmark"] = "noc";
  j["test"] = spec.test;
  j["flows"] = spec.test == "link"
                   ? 1
                   : static_cast<int>(p.queues.size() / std::min<std::size_t>(2, p.queues.size()));
  j["bytes"] = flows;
  j["achieved_gbps"] = ratio(flows, r.time_ns);
  j["peak_gbps"] = peak;
  j["peak_meaning"] = spec.test == "link"
                          ? "one data-plane link, one direction"
                          : "all mesh links crossing the middle row cut, both directions";
  j["fraction_of_peak"] = ratio(ratio(flows, r.time_ns), peak);
  j["link_gbps"] = link;
  j["time_us"] = r.time_ns / 1e3;
  j["link_wait_ns"] = sum_stat(r.modules, "chip.gnoc", "data_link_wait_ns");
  j["hottest_link_busy_fraction"] =
      ratio(sum_stat(r.modules, "chip.gnoc", "hottest_link_busy_ns"), r.time_ns);
  return j;
}

Json microbench_pcie(const ChipConfig& chip, const PcieSpec& spec) {
  const Program p = build_pcie_traffic(chip, spec);
  const ProgramResult r = run_program(chip, p);
  const EngineSummary* dma = find_engine(r, "host_dma");
  const EngineSummary* cmd = find_engine(r, "host_cmd");
  const double h2d_ns = dma->spans_ns[0].second - dma->spans_ns[0].first;
  const double d2h_ns = dma->spans_ns[1].second - dma->spans_ns[1].first;
  const double b = static_cast<double>(spec.bytes);
  Json j;
  j["benchmark"] = "pcie";
  j["bytes"] = b;
  j["achieved_gbps"] = ratio(b, h2d_ns);
  j["peak_gbps"] = pcie_raw_gbps(chip.pcie);
  j["fraction_of_peak"] = ratio(ratio(b, h2d_ns), pcie_raw_gbps(chip.pcie));
  j["h2d_gbps"] = ratio(b, h2d_ns);
  j["d2h_gbps"] = ratio(b, d2h_ns);
  j["payload_ceiling_gbps"] = sum_stat(r.modules, "chip.host", "payload_gbps");
  j["command_latency_ns"] = cmd->spans_ns[0].second - cmd->spans_ns[0].first;
  j["tlps"] =
      sum_stat(r.modules, "chip.host", "h2d_tlps") + sum_stat(r.modules, "chip.host", "d2h_tlps");
  return j;
}

std::string microbench_table(const Json& j) {
  std::ostringstream out;
  const std::string name = j.value("benchmark", "?");
  out << fmt::format("{:<28} {}\n", "benchmark", name);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "benchmark") continue;
    const Json& v = it.value();
    if (v.is_object()) {
      std::string s;
      for (auto jt = v.begin(); jt != v.end(); ++jt)
        s += fmt::format("{}{}={}", s.empty() ? "" : " ", jt.key(),
                         jt.value().is_number() ? fmt::format("{:.6g}", jt.value().get<double>())
                                                : jt.value().dump());
      out << fmt::format("{:<28} {}\n", it.key(), s);
    } else if (v.is_number_float()) {
      out << fmt::format("{:<28} {:.6g}\n", it.key(), v.get<double>());
    } else if (v.is_string()) {
      out << fmt::format("{:<28} {}\n", it.key(), v.get<std::string>());
    } else {
      out << fmt::format("{:<28} {}\n", it.key(), v.dump());
    }
  }
  return out.str();
}

}  // namespace maia
