#pragma once
// Live progress of a serving run on stderr (maia/core/progress_line.hpp): a rewritten line on a
// terminal, a plain "progress: ..." line every 5 s otherwise (logs, CI).
#include <string>

#include <fmt/format.h>

#include "maia/core/progress_line.hpp"
#include "maia/serving/serving_run.hpp"

namespace maia::cli {

class ProgressPrinter {
 public:
  void operator()(const ServingProgress& p) {
    line_.update([&p](double wall) {
      const double eta = p.requests_done > 0
                             ? wall * static_cast<double>(p.requests_total - p.requests_done) /
                                   static_cast<double>(p.requests_done)
                             : 0.0;
      return fmt::format(
          "{}/{} requests, {} iterations, {:.1f} s simulated, {:.2f}x real time, ETA {:.0f} s",
          p.requests_done, p.requests_total, p.iterations, p.simulated_s, p.simulated_s / wall,
          eta);
    });
  }

  // Ends the rewritten line so that the report starts on a fresh one.
  void finish() { line_.finish(); }

 private:
  ProgressLine line_{5.0, "progress: "};
};

}  // namespace maia::cli
