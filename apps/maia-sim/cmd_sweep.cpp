// maia-sim sweep SPEC.json --out DIR: runs every point of a design-space sweep (docs/sweeps.md),
// each as a child maia-sim run, --jobs at a time (or across MPI ranks with --mpi, or one shard
// of a job array with --shard i/N). Results: DIR/results.jsonl and .csv, DIR/points/<id>/.
// Re-running the same command resumes: points whose inputs are unchanged are not run again.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "cmd_sweep.hpp"
#include "maia/core/error.hpp"
#include "maia/sweep/bounded_text.hpp"
#include "maia/sweep/local_runner.hpp"
#include "maia/sweep/output_lock.hpp"
#include "maia/sweep/sweep_manifest.hpp"
#include "maia/sweep/sweep_progress.hpp"
#include "maia/sweep/sweep_results.hpp"
#include "maia/sweep/sweep_spec.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;

volatile sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

// The sweep's view of the project: maia-sim run's options and where files are found.
SweepContext sweep_context() {
  SweepContext ctx;
  for (const auto& o : run_option_names()) ctx.run_options.push_back({o.name, o.takes_value});
  ctx.models_dir = fs::absolute(default_models_dir()).string();
  ctx.default_chip = fs::absolute(default_chip_file()).string();
  ctx.project_root = fs::path(ctx.default_chip).parent_path().parent_path().string();
  return ctx;
}

// Most points run at once: each is a process; beyond this a typo (--jobs 10000) would fork
// thousands of simulations.
constexpr int kMaxJobs = 1024;

// "i/N" with 0 <= i < N, both plain decimal integers.
SweepShard parse_shard(const std::string& text) {
  SweepShard s{-1, 0};
  const char* const end = text.data() + text.size();
  const auto slash = text.find('/');
  const bool ok = slash != std::string::npos && [&] {
    const auto a = std::from_chars(text.data(), text.data() + slash, s.index);
    const auto b = std::from_chars(text.data() + slash + 1, end, s.count);
    return a.ec == std::errc() && a.ptr == text.data() + slash && b.ec == std::errc() &&
           b.ptr == end;
  }();
  if (!ok || s.count < 1 || s.index < 0 || s.index >= s.count)
    throw InputError(
        fmt::format("maia-sim sweep: --shard {}: must be i/N with 0 <= i < N (e.g. "
                    "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)",
                    bounded_text(text)));
  return s;
}

// Lists the points one at a time: a million-point spec is listed in constant memory.
void print_dry_run(const SweepPointSpace& space) {
  std::int64_t skipped = 0;
  for (std::int64_t i = 0; i < space.size(); ++i) {
    const SweepPoint p = space.at(i);
    skipped += !p.skip_reason.empty();
    fmt::print("{:>6} {} {:<8} {}{}\n", p.index, p.id, p.skip_reason.empty() ? "run" : "skip",
               point_label(p), p.skip_reason.empty() ? "" : "  (" + p.skip_reason + ")");
  }
  fmt::print("{} points: {} to run, {} skipped by constraints\n", space.size(),
             space.size() - skipped, skipped);
}

}  // namespace

bool sweep_interrupted() { return g_interrupted != 0; }

int finish_sweep(SweepSession& session, bool interrupted) {
  session.finish();
  const auto& c = session.counts();
  if (interrupted) {
    fmt::print(stderr,
               "maia-sim sweep: interrupted; {} of {} points recorded, run the same command "
               "again to resume\n",
               c.done(), c.total);
    return 130;
  }
  fmt::print("sweep: {} points: {} ok, {} failed, {} skipped ({} resumed from an earlier run)\n",
             c.total, c.ok, c.failed, c.skipped, c.resumed);
  return c.failed > 0 ? kExitSimError : kExitOk;
}

int run_sweep_local(const SweepPointSpace& space, const SweepInvocation& inv) {
  SweepSession session(inv.out_dir, inv.results_name, space, inv.shard, inv.retry_failed);
  SweepProgress progress;
  LocalRunHooks hooks;
  hooks.on_result = [&](const SweepPoint& p, const nlohmann::ordered_json& r) {
    session.record(p, r);
  };
  hooks.stop = sweep_interrupted;
  hooks.tick = [&](int running) { progress.update(session.counts(), running); };
  const bool complete = run_points_locally(space, session.pending(), inv.settings, inv.jobs, hooks);
  progress.finish(session.counts());
  return finish_sweep(session, !complete);
}

namespace {

int cmd_sweep_unchecked(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim sweep SPEC.json --out DIR [options]");
  std::string spec_file, out_dir, shard;
  int jobs =
      static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, unsigned{kMaxJobs}));
  double timeout_s = 0;
  desc.add_options()("help,h", "this help")("spec", po::value(&spec_file),
                                            "the sweep spec (docs/sweeps.md)")(
      "out", po::value(&out_dir), "output folder: results.jsonl, results.csv, points/<id>/")(
      "jobs,j", po::value(&jobs)->default_value(jobs), "points run at once (default: cores)")(
      "point-timeout", po::value(&timeout_s)->default_value(0),
      "seconds a point may run before it is killed and recorded as failed (0: no limit)")(
      "retry-failed", "run failed points again when resuming (default: keep their result)")(
      "shard", po::value(&shard), "run only shard i of N (i/N, 0-based) of the points")(
      "mpi", "run under mpirun: rank 0 hands points out, the other ranks run them")(
      "force", "let this spec take over an --out folder written by a different spec")(
      "dry-run", "list the points (and the skipped ones) without running anything");
  po::positional_options_description pos;
  pos.add("spec", 1);
  CacheOptions cache;
  add_cache_options(desc, cache);
  const auto vm = parse("sweep", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  export_cache_choice(cache);  // every child run shares the cache
  if (spec_file.empty()) throw InputError("maia-sim sweep: a spec file is required");
  const bool dry = vm.count("dry-run") > 0, mpi = vm.count("mpi") > 0;
  if (out_dir.empty() && !dry) throw InputError("maia-sim sweep: --out DIR is required");
  if (jobs < 1 || jobs > kMaxJobs)
    throw InputError(fmt::format("maia-sim sweep: --jobs must be 1 to {}, got {}", kMaxJobs, jobs));
  if (!std::isfinite(timeout_s) || timeout_s < 0)
    throw InputError(fmt::format(
        "maia-sim sweep: --point-timeout must be a finite number of seconds >= 0, got {}",
        timeout_s));
  if (mpi && vm.count("shard"))
    throw InputError("maia-sim sweep: --mpi and --shard exclude each other");
  const SweepShard my_shard = vm.count("shard") ? parse_shard(shard) : SweepShard{};

  // Under MPI every rank expands the same spec; MPI starts first so that an error ends all.
  struct MpiScope {
    bool on;
    ~MpiScope() {
      if (on) mpi_end();
    }
  } mpi_scope{mpi};
  if (mpi) mpi_begin();

  const SweepContext ctx = sweep_context();
  const SweepSpec spec = load_sweep_spec(spec_file, ctx);
  const SweepPointSpace space(spec, ctx, check_run_args);
  if (dry) {
    print_dry_run(space);
    return kExitOk;
  }

  SweepInvocation inv;
  inv.out_dir = fs::absolute(out_dir).lexically_normal().string();
  if (inv.out_dir.size() > 1 && inv.out_dir.back() == '/') inv.out_dir.pop_back();
  inv.results_name = "results";
  inv.retry_failed = vm.count("retry-failed") > 0;
  inv.jobs = jobs;
  inv.shard = my_shard;
  inv.settings = {self_exe(), inv.out_dir, timeout_s, &ctx};
  if (my_shard.count > 1)
    inv.results_name = fmt::format("results.shard-{}-of-{}", my_shard.index, my_shard.count);

  // The folder's owner (the only process, or MPI rank 0) locks it for the sweep's life, checks
  // that it holds this spec's results (or none) and writes the manifest; under MPI the outcome
  // goes to every rank, so that all stop on an error.
  std::unique_ptr<SweepOutputLock> lock;
  std::string error;
  if (!mpi || mpi_rank() == 0) {
    try {
      lock = std::make_unique<SweepOutputLock>(inv.out_dir, my_shard);
      check_sweep_owner(inv.out_dir, spec, vm.count("force") > 0);
      write_sweep_manifest(inv.out_dir, spec, space);
    } catch (const InputError& e) {
      error = e.what();
    } catch (const std::exception& e) {
      if (!mpi) throw;
      error = e.what();  // the other ranks must hear of it, or they wait for ever
    }
  }
  if (mpi) error = mpi_broadcast_from_root(error);
  if (!error.empty()) throw InputError(error);

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (mpi) return run_sweep_mpi(space, inv);

  return run_sweep_local(space, inv);
}

}  // namespace

// A file system error on the output folder (full, read-only, a path through a regular file) is
// the user's to fix: exit 2 with the path and the reason, not an internal error.
int cmd_sweep(const std::vector<std::string>& args) {
  try {
    return cmd_sweep_unchecked(args);
  } catch (const std::filesystem::filesystem_error& e) {
    throw InputError(fmt::format("maia-sim sweep: {}", e.what()));
  }
}

}  // namespace maia::cli
