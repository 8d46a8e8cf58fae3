// maia-sim exec: run a hand-written dataflow program and report where the time went.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/core/time.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/sim/program_run.hpp"
#include "output_paths.hpp"
#include "timeline_options.hpp"

namespace maia::cli {

int cmd_exec(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim exec PROGRAM.json [options]");
  ChipOptions chip;
  std::string program_file, out_file;
  double max_ms = 0;
  TimelineArgs timeline;
  desc.add_options()("help,h", "this help")("program", po::value(&program_file), "program JSON")(
      "json", "print one JSON object instead of the table")(
      "out", po::value(&out_file),
      "also write the JSON result (with all module statistics) to this file")(
      "max-sim-time-ms", po::value(&max_ms), "stop with an error after this much simulated time");
  add_timeline_options(desc, timeline);
  add_chip_options(desc, chip);
  po::positional_options_description pos;
  pos.add("program", 1);
  const auto vm = parse("exec", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (program_file.empty()) throw InputError("maia-sim exec: a PROGRAM.json argument is required");
  const double max_limit_ms = ps_to_seconds(kNever) * 1e3;
  if (!(max_ms >= 0 && max_ms <= max_limit_ms))
    throw InputError(fmt::format(
        "maia-sim exec: --max-sim-time-ms: must be in [0, {:.0f}] (0: no limit), got {}",
        max_limit_ms, max_ms));
  if (!out_file.empty()) check_output_file(out_file, "--out");
  const ChipConfig cfg = load_chip(chip);
  const Program program = load_program(program_file, cfg);
  RunOptions opt;
  opt.max_sim_time_ms = max_ms;
  const auto tl = make_timeline(timeline);
  ChipSession session(cfg);
  session.set_timeline(tl.get());
  const ProgramResult r = session.run(program, opt);
  if (tl) {
    // The program as a whole, above its engines.
    tl->span(SpanKind::kOperator, tl->track("program", 2, "program", 0), r.program, 0,
             ns_to_ps(r.time_ns));
    tl->note("operator_detail", "one program: every engine instruction and HBM channel");
  }
  if (!out_file.empty()) {
    std::ofstream out(out_file);
    if (!out) throw InputError(fmt::format("{}: cannot write file", out_file));
    out << r.to_json(true).dump(2) << "\n";
  }
  if (vm.count("json")) {
    std::cout << r.to_json(false).dump(2) << "\n";
    if (tl) tl->write_file(timeline.file);  // stdout stays one JSON object
    return kExitOk;
  }
  fmt::print("program {}  on {}\n", r.program, r.chip);
  fmt::print("time {:.3f} us  ({:.0f} cycles at {} GHz)\n\n", r.time_ns / 1e3, r.cycles,
             cfg.clock_ghz);
  fmt::print("{:<22} {:>8} {:>14} {:>8} {:>16}\n", "engine", "instr", "busy ns", "util",
             "sem wait ns");
  for (const auto& e : r.engines)
    fmt::print("{:<22} {:>8.0f} {:>14.1f} {:>7.1f}% {:>16.1f}\n",
               e.name.substr(e.name.find('.') + 1), e.instructions, e.busy_ns,
               r.time_ns > 0 ? 100.0 * e.busy_ns / r.time_ns : 0.0, e.semaphore_wait_ns);
  fmt::print("\n{:<22} {:>16} {:>16}\n", "memory level", "read bytes", "write bytes");
  fmt::print("{:<22} {:>16.0f} {:>16.0f}\n", "HBM", r.hbm_read_bytes, r.hbm_write_bytes);
  fmt::print("{:<22} {:>16.0f} {:>16.0f}\n", "CSRAM", r.csram_read_bytes, r.csram_write_bytes);
  fmt::print("{:<22} {:>16.0f} {:>16.0f}\n", "TSRAM", r.tsram_read_bytes, r.tsram_write_bytes);
  fmt::print("{:<22} {:>16.0f} {:>16}\n", "GNOC (link-bytes)", r.noc_link_bytes, "");
  fmt::print("{:<22} {:>16.0f} {:>16.0f}\n", "PCIe (h2d / d2h)", r.pcie_h2d_bytes,
             r.pcie_d2h_bytes);
  fmt::print("\nFLOPs: TTU {:.4g}, TVP {:.4g}\n", r.ttu_flops, r.tvp_flops);
  if (tl) write_timeline(*tl, timeline.file);
  return kExitOk;
}

}  // namespace maia::cli
