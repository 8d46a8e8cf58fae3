#include "maia/hw/memory/hbm_noc_path.hpp"

#include <algorithm>

namespace maia {

Flow HbmNocPath::move(std::uint64_t addr, std::uint64_t bytes, int endpoint, bool to_hbm, Flow in) {
  const std::vector<std::uint64_t> share = map_.bytes_per_stack(addr, bytes);
  Flow out{kNever, in.first};
  for (std::size_t s = 0; s < share.size(); ++s) {
    if (share[s] == 0) continue;
    const int stack = stacks_[s];
    const Flow f = to_hbm ? noc_.transfer(endpoint, stack, share[s], in)
                          : noc_.transfer(stack, endpoint, share[s], in);
    out.first = std::min(out.first, f.first);
    out.last = std::max(out.last, f.last);
  }
  if (out.first == kNever) out = in;
  return out;
}

}  // namespace maia
