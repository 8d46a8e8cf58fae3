#include "maia/core/progress_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

namespace maia {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kTtyPeriodS = 0.2;

}  // namespace

ProgressLine::ProgressLine(double log_period_s, std::string log_prefix)
    : tty_(isatty(fileno(stderr)) != 0),
      period_s_(tty_ ? kTtyPeriodS : log_period_s),
      prefix_(std::move(log_prefix)),
      t0_(now_s()),
      last_(t0_) {}

void ProgressLine::update(const std::function<std::string(double wall_s)>& make_line, bool force) {
  const double now = now_s();
  if (!force && now - last_ < period_s_) return;
  last_ = now;
  const std::string line = make_line(now - t0_);
  if (tty_) {
    width_ = std::max(width_, line.size());
    fmt::print(stderr, "\r{:<{}}", line, width_);
  } else {
    fmt::print(stderr, "{}{}\n", prefix_, line);
  }
  std::fflush(stderr);
  printed_ = true;
}

void ProgressLine::finish() {
  if (tty_ && printed_) fmt::print(stderr, "\n");
  printed_ = false;
}

}  // namespace maia
