#include "maia/sweep/sweep_progress.hpp"

#include <string>

#include <fmt/format.h>

namespace maia {

void SweepProgress::update(const SweepCounts& c, std::int64_t running, bool force) {
  if (start_done_ < 0) {  // the first call: always shown
    start_done_ = c.done();
    force = true;
  }
  line_.update(
      [&](double wall) {
        const auto ran = c.done() - start_done_;  // points finished by this run
        const double rate = wall > 0 ? static_cast<double>(ran) / wall : 0;
        const std::string eta =
            rate > 0 ? fmt::format("{:.0f} s", static_cast<double>(c.remaining()) / rate) : "-";
        return fmt::format(
            "sweep: {}/{} done ({} ok, {} failed, {} skipped, {} resumed), {} running, {} "
            "remaining, {:.2f} points/s, ETA {}",
            c.done(), c.total, c.ok, c.failed, c.skipped, c.resumed, running, c.remaining(), rate,
            eta);
      },
      force);
}

void SweepProgress::finish(const SweepCounts& c) {
  update(c, 0, true);
  line_.finish();
}

}  // namespace maia
