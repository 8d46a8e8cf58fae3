#include "maia/sweep/sweep_progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "maia/core/child_process.hpp"

namespace maia {

SweepProgress::SweepProgress() : tty_(isatty(fileno(stderr)) != 0), t0_(monotonic_s()) {}

void SweepProgress::update(const SweepCounts& c, std::int64_t running, bool force) {
  const double now = monotonic_s();
  if (start_done_ < 0) start_done_ = c.done();
  if (!force && now - last_ < (tty_ ? 0.2 : 10.0)) return;
  last_ = now;
  const double wall = now - t0_;
  const auto ran = c.done() - start_done_;  // points finished by this run
  const double rate = wall > 0 ? static_cast<double>(ran) / wall : 0;
  const std::string eta =
      rate > 0 ? fmt::format("{:.0f} s", static_cast<double>(c.remaining()) / rate) : "-";
  const std::string line = fmt::format(
      "sweep: {}/{} done ({} ok, {} failed, {} skipped, {} resumed), {} running, {} remaining, "
      "{:.2f} points/s, ETA {}",
      c.done(), c.total, c.ok, c.failed, c.skipped, c.resumed, running, c.remaining(), rate, eta);
  if (tty_)
    fmt::print(stderr, "\r{:<120}", line);
  else
    fmt::print(stderr, "{}\n", line);
  std::fflush(stderr);
  printed_ = true;
}

void SweepProgress::finish(const SweepCounts& c) {
  update(c, 0, true);
  if (tty_ && printed_) fmt::print(stderr, "\n");
}

}  // namespace maia
