#pragma once
// Progress of a sweep on stderr (maia/core/progress_line.hpp): points done / failed /
// remaining, rate and ETA; a rewritten line on a terminal, otherwise a plain line every 10 s,
// one at the start and one at the end.
#include <cstdint>

#include "maia/core/progress_line.hpp"
#include "maia/sweep/sweep_session.hpp"

namespace maia {

class SweepProgress {
 public:
  // Prints when due (or always with force); `running` points are in flight.
  void update(const SweepCounts& c, std::int64_t running, bool force = false);
  // Prints the final counts and ends the rewritten line.
  void finish(const SweepCounts& c);

 private:
  ProgressLine line_{10.0};
  std::int64_t start_done_ = -1;
};

}  // namespace maia
