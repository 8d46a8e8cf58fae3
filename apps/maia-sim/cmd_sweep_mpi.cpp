// maia-sim sweep --mpi: the sweep spread over MPI ranks (mpirun -n K maia-sim sweep ... --mpi).
// Rank 0 owns the output folder: it resumes, hands out points one at a time to whichever rank
// asks (dynamic: fast points do not wait for slow ones) and records every result. Ranks 1..K-1
// run each point as a child maia-sim run and send its result document back. Every rank expands
// the same spec, so only point indices and results travel. The folder must be shared between
// machines. Compiled without MPI (MAIA_WITH_MPI unset), --mpi is refused.
#include <unistd.h>

#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli.hpp"
#include "cmd_sweep.hpp"
#include "maia/core/error.hpp"
#include "maia/sweep/sweep_progress.hpp"

#ifdef MAIA_WITH_MPI
#include <mpi.h>
#endif

namespace maia::cli {

#ifndef MAIA_WITH_MPI

void mpi_begin() {
  throw InputError(
      "maia-sim sweep --mpi: this maia-sim was built without MPI (install libopenmpi-dev and "
      "rebuild; docs/sweeps.md)");
}
void mpi_end() {}
int mpi_rank() { return 0; }
std::string mpi_broadcast_from_root(const std::string& text) { return text; }
int run_sweep_mpi(const SweepPointSpace&, const SweepInvocation&) { return 1; }

#else

namespace {

constexpr int kTagResult = 1;  // worker -> rank 0: "" (ready) or {"index", "result"}
constexpr int kTagWork = 2;    // rank 0 -> worker: a point index, or -1 to stop

// Waits for a message without spinning a core (MPI_Recv busy-polls in Open MPI).
MPI_Status wait_message(int source, int tag) {
  MPI_Status st;
  int flag = 0;
  while (true) {
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    ::usleep(2000);
  }
}

std::string receive_text(const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

void send_text(const std::string& text, int dest, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

// Waits for a non-blocking collective without spinning a core.
void wait_request(MPI_Request& r) {
  int done = 0;
  while (MPI_Test(&r, &done, MPI_STATUS_IGNORE), !done) ::usleep(2000);
}

int coordinate(SweepSession& session, int ranks) {
  std::map<std::int64_t, SweepPoint> running_points;  // handed out, by index
  const auto& pending = session.pending();
  std::size_t next = 0;
  int workers = ranks - 1, running = 0;
  SweepProgress progress;
  while (workers > 0) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &flag, &st);
    if (!flag) {
      progress.update(session.counts(), running);
      ::usleep(2000);
      continue;
    }
    const std::string text = receive_text(st);
    if (!text.empty()) {
      const auto msg = nlohmann::ordered_json::parse(text);
      const auto it = running_points.find(msg["index"].get<std::int64_t>());
      session.record(it->second, msg["result"]);
      running_points.erase(it);
      --running;
    }
    std::int64_t work = -1;
    if (next < pending.size() && !sweep_interrupted()) {
      work = pending[next++];
      running_points.emplace(work, session.space().at(work));
    }
    MPI_Send(&work, 1, MPI_INT64_T, st.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
    if (work < 0)
      --workers;
    else
      ++running;
  }
  progress.finish(session.counts());
  return finish_sweep(session, next < pending.size());
}

int work(const SweepPointSpace& space, const SweepInvocation& inv) {
  send_text("", 0, kTagResult);  // ready
  while (true) {
    wait_message(0, kTagWork);
    std::int64_t index = -1;
    MPI_Recv(&index, 1, MPI_INT64_T, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (index < 0) return kExitOk;
    PointJob job(space.at(index), inv.settings);
    std::optional<nlohmann::ordered_json> result;
    while (!(result = job.poll())) {
      if (sweep_interrupted()) return 130;  // the job's child is killed on the way out
      ::usleep(2000);
    }
    nlohmann::ordered_json msg;
    msg["index"] = index;
    msg["result"] = *result;
    send_text(msg.dump(), 0, kTagResult);
  }
}

}  // namespace

void mpi_begin() { MPI_Init(nullptr, nullptr); }

void mpi_end() { MPI_Finalize(); }

int mpi_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

std::string mpi_broadcast_from_root(const std::string& text) {
  std::int64_t size = static_cast<std::int64_t>(text.size());
  MPI_Request r;
  MPI_Ibcast(&size, 1, MPI_INT64_T, 0, MPI_COMM_WORLD, &r);
  wait_request(r);
  std::string out = mpi_rank() == 0 ? text : std::string(static_cast<std::size_t>(size), '\0');
  if (size > 0) {
    MPI_Ibcast(out.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD, &r);
    wait_request(r);
  }
  return out;
}

int run_sweep_mpi(const SweepPointSpace& space, const SweepInvocation& inv) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks == 1) return run_sweep_local(space, inv);  // nobody to hand points to
  // Rank 0 resumes (resolving every point: a bad one is an error for all ranks) while the
  // workers wait for the outcome.
  std::unique_ptr<SweepSession> session;
  std::string error;
  if (rank == 0) {
    try {
      session = std::make_unique<SweepSession>(inv.out_dir, inv.results_name, space, inv.shard,
                                               inv.retry_failed);
    } catch (const std::exception& e) {  // told to every rank, or they wait for ever
      error = e.what();
    }
  }
  error = mpi_broadcast_from_root(error);
  if (!error.empty()) throw InputError(error);
  return rank == 0 ? coordinate(*session, ranks) : work(space, inv);
}

#endif

}  // namespace maia::cli
