#pragma once
// Live progress of a serving run on stderr: one rewritten line on a terminal (every 0.2 s),
// plain lines every 5 s otherwise (logs, CI). Wall-clock time appears only here, never in
// results.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "maia/serving/serving_run.hpp"

namespace maia::cli {

class ProgressPrinter {
 public:
  ProgressPrinter() : tty_(isatty(fileno(stderr)) != 0), t0_(std::chrono::steady_clock::now()) {}

  void operator()(const ServingProgress& p) {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (wall - last_ < (tty_ ? 0.2 : 5.0)) return;
    last_ = wall;
    const double eta = p.requests_done > 0
                           ? wall * static_cast<double>(p.requests_total - p.requests_done) /
                                 static_cast<double>(p.requests_done)
                           : 0.0;
    const std::string line = fmt::format(
        "{}/{} requests, {} iterations, {:.1f} s simulated, {:.2f}x real time, ETA {:.0f} s",
        p.requests_done, p.requests_total, p.iterations, p.simulated_s, p.simulated_s / wall, eta);
    if (tty_)
      fmt::print(stderr, "\r{:<100}", line);
    else
      fmt::print(stderr, "progress: {}\n", line);
    printed_ = true;
  }

  // Ends the rewritten line so that the report starts on a fresh one.
  void finish() const {
    if (tty_ && printed_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point t0_;
  double last_ = 0;
  bool printed_ = false;
};

}  // namespace maia::cli
