#include "maia/hw/net/bucket_server.hpp"

#include <algorithm>

namespace maia {

Picos& BucketServer::mark(std::int64_t b) {
  while (b - base_ >= static_cast<std::int64_t>(marks_.size())) {
    next_.push_back(base_ + static_cast<std::int64_t>(marks_.size()) + 1);
    marks_.push_back(0);
  }
  return marks_[static_cast<std::size_t>(b - base_)];
}

std::int64_t BucketServer::first_open(std::int64_t b) {
  std::int64_t root = b;
  while (mark(root) >= bucket_)
    root = std::max(root + 1, next_[static_cast<std::size_t>(root - base_)]);
  while (b < root) {
    auto& n = next_[static_cast<std::size_t>(b - base_)];
    const std::int64_t after = n;
    n = root;
    b = std::max(b + 1, after);
  }
  return root;
}

Reservation BucketServer::reserve(Picos earliest, Picos duration, std::uint64_t bytes) {
  const std::int64_t now_bucket = now_ps() / bucket_;
  while (base_ < now_bucket && !marks_.empty()) {
    marks_.pop_front();
    next_.pop_front();
    ++base_;
  }
  if (marks_.empty()) base_ = std::max(base_, now_bucket);
  ++uses_;
  bytes_ += bytes;
  busy_ps_ += duration;
  std::int64_t b = std::max(earliest / bucket_, base_);
  Picos t = std::max(earliest, b * bucket_ + mark(b));
  if (t >= (b + 1) * bucket_) {  // this bucket is full from `earliest` on: the next open one
    b = first_open(b + 1);
    t = std::max(t, b * bucket_ + mark(b));
  }
  const Picos start = t;
  Picos left = duration;
  while (left > 0) {
    const Picos take = std::min(left, (b + 1) * bucket_ - t);
    t += take;
    left -= take;
    mark(b) = t - b * bucket_;
    if (left > 0) {
      b = first_open(b + 1);
      t = std::max(t, b * bucket_ + mark(b));
    }
  }
  wait_ps_ += start - earliest;
  return {start, std::max(t, start + duration)};
}

}  // namespace maia
