// maia-sim sweep SPEC.json --out DIR: runs every point of a design-space sweep (docs/sweeps.md),
// each as a child maia-sim run, --jobs at a time (or across MPI ranks with --mpi, or one shard
// of a job array with --shard i/N). Results: DIR/results.jsonl and .csv, DIR/points/<id>/.
// Re-running the same command resumes: points whose inputs are unchanged are not run again.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cli.hpp"
#include "cmd_sweep.hpp"
#include "maia/core/error.hpp"
#include "maia/sweep/local_runner.hpp"
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

std::string self_exe() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the maia-sim binary (/proc/self/exe)");
  return p.string();
}

// "i/N" with 0 <= i < N.
std::pair<int, int> parse_shard(const std::string& text) {
  int i = -1, n = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &i, &slash, &n, &extra) != 3 || slash != '/' || n < 1 ||
      i < 0 || i >= n)
    throw InputError(
        fmt::format("maia-sim sweep: --shard {}: must be i/N with 0 <= i < N (e.g. "
                    "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)",
                    text));
  return {i, n};
}

// DIR/sweep.json: what the folder holds (for sweep-merge and for people).
void write_manifest(const std::string& out_dir, const SweepSpec& spec,
                    const std::vector<SweepPoint>& points) {
  nlohmann::ordered_json m;
  m["spec"] = fs::absolute(spec.file).string();
  m["name"] = spec.name;
  m["points"] = points.size();
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (const auto& p : points) ids.push_back(p.id);
  m["ids"] = ids;
  write_file_atomic((fs::path(out_dir) / "sweep.json").string(), m.dump(1) + "\n");
}

void print_dry_run(const std::vector<SweepPoint>& points) {
  std::int64_t skipped = 0;
  for (const auto& p : points) {
    skipped += !p.skip_reason.empty();
    fmt::print("{:>6} {} {:<8} {}{}\n", p.index, p.id, p.skip_reason.empty() ? "run" : "skip",
               point_label(p), p.skip_reason.empty() ? "" : "  (" + p.skip_reason + ")");
  }
  fmt::print("{} points: {} to run, {} skipped by constraints\n", points.size(),
             static_cast<std::int64_t>(points.size()) - skipped, skipped);
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

int run_sweep_local(std::vector<SweepPoint> points, const SweepInvocation& inv) {
  SweepSession session(inv.out_dir, inv.results_name, std::move(points), inv.retry_failed);
  SweepProgress progress;
  LocalRunHooks hooks;
  hooks.on_result = [&](const SweepPoint& p, const nlohmann::ordered_json& r) {
    session.record(p, r);
  };
  hooks.stop = sweep_interrupted;
  hooks.tick = [&](int running) { progress.update(session.counts(), running); };
  const bool complete = run_points_locally(session.pending(), inv.settings, inv.jobs, hooks);
  progress.finish(session.counts());
  return finish_sweep(session, !complete);
}

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim sweep SPEC.json --out DIR [options]");
  std::string spec_file, out_dir, shard;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
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
      "dry-run", "list the points (and the skipped ones) without running anything");
  po::positional_options_description pos;
  pos.add("spec", 1);
  const auto vm = parse("sweep", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (spec_file.empty()) throw InputError("maia-sim sweep: a spec file is required");
  const bool dry = vm.count("dry-run") > 0, mpi = vm.count("mpi") > 0;
  if (out_dir.empty() && !dry) throw InputError("maia-sim sweep: --out DIR is required");
  if (jobs < 1) throw InputError(fmt::format("maia-sim sweep: --jobs must be >= 1, got {}", jobs));
  if (timeout_s < 0)
    throw InputError(
        fmt::format("maia-sim sweep: --point-timeout must be >= 0, got {}", timeout_s));
  if (mpi && !shard.empty())
    throw InputError("maia-sim sweep: --mpi and --shard exclude each other");

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
  std::vector<SweepPoint> points = expand_sweep(spec, ctx, check_run_args);
  if (dry) {
    print_dry_run(points);
    return kExitOk;
  }

  SweepInvocation inv;
  inv.out_dir = fs::absolute(out_dir).string();
  inv.results_name = "results";
  inv.retry_failed = vm.count("retry-failed") > 0;
  inv.jobs = jobs;
  inv.settings = {self_exe(), inv.out_dir, timeout_s, &ctx};
  fs::create_directories(inv.out_dir);
  write_manifest(inv.out_dir, spec, points);
  if (!shard.empty()) {
    const auto [i, n] = parse_shard(shard);
    std::vector<SweepPoint> mine;
    for (auto& p : points)
      if (p.index % n == i) mine.push_back(std::move(p));
    points = std::move(mine);
    inv.results_name = fmt::format("results.shard-{}-of-{}", i, n);
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (mpi) return run_sweep_mpi(std::move(points), inv);

  return run_sweep_local(std::move(points), inv);
}

}  // namespace maia::cli
