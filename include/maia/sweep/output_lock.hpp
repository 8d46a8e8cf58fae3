#pragma once
// One writer per sweep output folder. Two sweeps writing the same folder would race on its files
// (a rename that fails, a point run twice and recorded as failed), so a sweep holds a lock on the
// folder for its whole life: flock(2) on DIR/.sweep.lock, exclusive for a whole sweep. The
// shards of a job array share the folder: each holds DIR/.sweep.lock shared (no whole sweep may
// start meanwhile) and its own DIR/.sweep.shard-I-of-N.lock exclusive (the same shard may not run
// twice). The OS releases the locks when the process ends, however it ends (kill -9 included),
// so a stale lock file never blocks a later run.
#include <string>

#include "maia/sweep/sweep_session.hpp"

namespace maia {

class SweepOutputLock {
 public:
  // Creates `dir` if needed and takes its lock; InputError naming the folder, and the process
  // that holds the lock when it is known, when another sweep writes it or it cannot be written.
  SweepOutputLock(const std::string& dir, SweepShard shard);
  ~SweepOutputLock();
  SweepOutputLock(const SweepOutputLock&) = delete;
  SweepOutputLock& operator=(const SweepOutputLock&) = delete;

 private:
  int folder_fd_ = -1, shard_fd_ = -1;
};

}  // namespace maia
