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
  bool retry_failed = false;
  int jobs = 1;
  PointRunSettings settings;
};

// Set by SIGINT / SIGTERM while a sweep runs.
bool sweep_interrupted();

// Prints the end of a sweep and returns its exit code: 0 all ok or skipped, 3 some failed,
// 130 interrupted.
int finish_sweep(SweepSession& session, bool interrupted);

// Runs the points on this machine, inv.jobs at a time; returns finish_sweep's code.
int run_sweep_local(std::vector<SweepPoint> points, const SweepInvocation& inv);

// maia-sim sweep --mpi: rank 0 hands points out, the other ranks run them (cmd_sweep_mpi.cpp).
// Called after MPI is initialised by mpi_begin on every rank.
int run_sweep_mpi(std::vector<SweepPoint> points, const SweepInvocation& inv);
// Initialises MPI (InputError when this build has none); mpi_end finalises it.
void mpi_begin();
void mpi_end();

}  // namespace maia::cli
