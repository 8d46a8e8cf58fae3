#include "maia/serving/host_io.hpp"

#include "maia/kernels/transfer_kernels.hpp"

namespace maia {

double HostIo::transfer_ns(std::uint64_t bytes, bool to_device) {
  if (bytes == 0) return 0.0;
  const auto key = std::make_pair(to_device, bytes);
  if (memoize_) {
    const auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
  }
  RunOptions opt;
  opt.include_module_stats = false;
  const double t = session_.run(build_host_copy(chip_, bytes, to_device), opt).time_ns;
  ++simulated_;
  if (memoize_) memo_.emplace(key, t);
  return t;
}

}  // namespace maia
