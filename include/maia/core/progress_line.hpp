#pragma once
// A live progress line on stderr for long commands (serving runs, sweeps). On a terminal one
// line is rewritten in place at most every 0.2 s; otherwise (logs, CI, batch jobs) a plain line
// is written at most every `log_period_s`. Wall-clock time appears only here, never in results.
#include <functional>
#include <string>

namespace maia {

class ProgressLine {
 public:
  // `log_prefix` starts each plain line (not the rewritten one).
  explicit ProgressLine(double log_period_s, std::string log_prefix = "");

  // When a line is due (one period after the last, or after construction) or `force`, writes
  // make_line(seconds since construction).
  void update(const std::function<std::string(double wall_s)>& make_line, bool force = false);

  // Ends the rewritten line, so that what follows starts on a fresh one.
  void finish();

 private:
  bool tty_;
  double period_s_;
  std::string prefix_;
  double t0_;
  double last_;
  std::size_t width_ = 0;  // longest rewritten line so far, to blank out leftovers
  bool printed_ = false;
};

}  // namespace maia
