#pragma once
// Pieces shared by maia-sim sweep's local and MPI modes (cmd_sweep.cpp, cmd_sweep_mpi.cpp).
#include <string>
#include <vector>

#include "maia/sweep/point_job.hpp"
#include "maia/sweep/sweep_session.hpp"

namespace maia::cli {

struct SweepInvocation {
  std::string out_dir;
  std::string results_name;  // "results", or "results.shard-I-of-N"
  SweepShard shard;          // 0/1: every point
  bool retry_failed = false;
  int jobs = 1;
  PointRunSettings settings;
};

// Set by SIGINT / SIGTERM while a sweep runs.
bool sweep_interrupted();

// Prints the end of a sweep and returns its exit code: 0 all ok or skipped, 3 some failed,
// 130 interrupted.
int finish_sweep(SweepSession& session, bool interrupted);

// Runs the points (those of inv.shard) on this machine, inv.jobs at a time; returns
// finish_sweep's code.
int run_sweep_local(const SweepPointSpace& space, const SweepInvocation& inv);

// maia-sim sweep --mpi: rank 0 hands points out, the other ranks run them (cmd_sweep_mpi.cpp).
// Called after MPI is initialised by mpi_begin on every rank.
int run_sweep_mpi(const SweepPointSpace& space, const SweepInvocation& inv);
// Initialises MPI (InputError when this build has none); mpi_end finalises it.
void mpi_begin();
void mpi_end();
// This process's rank (0 without MPI).
int mpi_rank();
// Rank 0's `text`, on every rank (waits without spinning a core).
std::string mpi_broadcast_from_root(const std::string& text);

}  // namespace maia::cli
