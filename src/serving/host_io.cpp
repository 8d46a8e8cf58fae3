#include "maia/serving/host_io.hpp"

namespace maia {

double HostIo::transfer_ns(std::uint64_t bytes, bool to_device) {
  if (bytes == 0) return 0.0;
  const auto key = std::make_pair(to_device, bytes);
  if (memoize_) {
    const auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
  }
  const double t = backend_.host_transfer_ns(bytes, to_device);
  ++simulated_;
  if (memoize_) memo_.emplace(key, t);
  return t;
}

}  // namespace maia
