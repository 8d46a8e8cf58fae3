// maia-sim: command-line front end. Each sub-command is a thin shell over the library.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <systemc>

#include "cli.hpp"
#include "log_options.hpp"
#include "maia/core/error.hpp"

namespace {

const char* kUsage = R"(maia-sim: cycle-approximate simulator of the Maia 200 inference accelerator

usage: maia-sim <command> [options]      (maia-sim <command> --help for its options)

commands:
  config       describe every chip knob, or validate a chip config file
  exec         run a hand-written dataflow program (docs/programs.md)
  microbench   gemm | hbm | noc | pcie | all: measured on the chip model; collective:
               nccl-tests-style table of the analytical collective model (docs/systems.md)
  run          a static batch of a model (--model llama-3.1-8b): TTFT, TPOT, tokens/s, per-op
               roofline (docs/outputs.md)
  ops          run an operator trace (docs/workloads.md) and report each operator's time
  sweep        run a design-space sweep spec, in parallel, resumable, or under MPI
               (docs/sweeps.md); sweep-merge joins shards, sweep-report ranks the results
  plot         figures from result folders: load-curve, latency-cdf, pareto, roofline,
               timeline, as PNG or SVG (docs/plots.md; needs python3-matplotlib)
  compare      compare two results (run directories, summary.json, microbench or bench JSON):
               every metric's delta and verdict, and the operators that moved (docs/regression.md)
  regress      run a regression suite against its baselines; --update rewrites them (docs/ci.md)
  validate     reproduce published measurements (a CSV of GPU serving results) and report the
               error per row, hardware and metric (docs/validation.md)
  calibrate    fit a GPU config's kernel and serving-engine knobs to published measurements
               (docs/validation.md)
  versus       one workload on several chips side by side: throughput, latency, tokens/s per
               chip, per watt and per dollar (docs/versus.md)
  cache        stats | clear | verify the measurement cache that run, ops, sweep, regress,
               versus, validate and calibrate share (--cache DIR, --no-cache; docs/cache.md)

options of every command:
  --log-level LEVEL   diagnostics on stderr: trace, debug, info, warn (default), error, off
  -v, -vv             the same as --log-level info, --log-level debug
)";

}  // namespace

int sc_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    maia::cli::apply_log_options(args);
  } catch (const maia::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return maia::cli::kExitBadInput;
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? maia::cli::kExitBadInput : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "config") return maia::cli::cmd_config(args);
    if (cmd == "exec") return maia::cli::cmd_exec(args);
    if (cmd == "microbench") return maia::cli::cmd_microbench(args);
    if (cmd == "run") return maia::cli::cmd_run(args);
    if (cmd == "ops") return maia::cli::cmd_ops(args);
    if (cmd == "sweep") return maia::cli::cmd_sweep(args);
    if (cmd == "sweep-merge") return maia::cli::cmd_sweep_merge(args);
    if (cmd == "sweep-report") return maia::cli::cmd_sweep_report(args);
    if (cmd == "plot") return maia::cli::cmd_plot(args);
    if (cmd == "compare") return maia::cli::cmd_compare(args);
    if (cmd == "regress") return maia::cli::cmd_regress(args);
    if (cmd == "validate") return maia::cli::cmd_validate(args);
    if (cmd == "calibrate") return maia::cli::cmd_calibrate(args);
    if (cmd == "versus") return maia::cli::cmd_versus(args);
    if (cmd == "cache") return maia::cli::cmd_cache(args);
    std::cerr << "maia-sim: unknown command '" << cmd << "'\n" << kUsage;
    return maia::cli::kExitBadInput;
  } catch (const maia::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return maia::cli::kExitBadInput;
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user gave cannot be read or written (missing, not a directory, too long, no
    // permission): their input, not our bug.
    std::cerr << "error: " << e.what() << "\n";
    return maia::cli::kExitBadInput;
  } catch (const maia::SimulationError& e) {
    std::cerr << "simulation error: " << e.what() << "\n";
    return maia::cli::kExitSimError;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return maia::cli::kExitInternal;
  }
}

// Our own entry point, so the SystemC banner can be silenced before the kernel prints it.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
