#pragma once
// Progress of a sweep on stderr: points done / failed / remaining, rate and ETA. On a terminal
// one line rewritten every 0.2 s; otherwise (logs, CI, batch jobs) a plain line every 10 s and
// one at the end. Wall-clock time appears only here, never in results.
#include <cstdint>

#include "maia/sweep/sweep_session.hpp"

namespace maia {

class SweepProgress {
 public:
  SweepProgress();
  // Prints when due (or always with force); `running` points are in flight.
  void update(const SweepCounts& c, std::int64_t running, bool force = false);
  // Ends the rewritten line.
  void finish(const SweepCounts& c);

 private:
  bool tty_;
  double t0_, last_ = -1e9;
  std::int64_t start_done_ = -1;
  bool printed_ = false;
};

}  // namespace maia
