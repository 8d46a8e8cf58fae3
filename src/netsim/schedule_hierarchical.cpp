// hierarchical: rank r = d_0 + g_0 (d_1 + g_1 (d_2 ...)) with d_i its position in tier i (span
// g_i). An all-reduce reduce-scatters inside each tier from the tray out: at tier i a rank cuts
// the data it holds (m_i) into g_i parts, sends each peer of its tier-i group (the ranks that
// differ from it in d_i only) that peer's part and reduces the g_i - 1 parts it receives; then it
// all-gathers back from the outermost tier in, sending its part to the same peers. all-gather
// runs the second half, reduce-scatter the first. The message is cut into the analytical plan's
// pipeline_chunks slices, each an independent copy of the schedule, so slices overlap phases.
#include "maia/netsim/collective_schedule.hpp"

namespace maia {
namespace {

class HierarchicalSchedule : public ScheduleBuilder {
 public:
  std::string_view name() const override { return "hierarchical"; }
  Schedule build(const ScheduleQuery& q) const override {
    Schedule s;
    const std::int64_t n = q.ranks;
    const std::size_t tiers = q.tiers.size();
    std::vector<std::int64_t> stride(tiers + 1, 1);
    for (std::size_t i = 0; i < tiers; ++i) stride[i + 1] = stride[i] * q.tiers[i].span;
    auto digit = [&](std::int64_t r, std::size_t i) { return (r / stride[i]) % q.tiers[i].span; };
    auto with_digit = [&](std::int64_t r, std::size_t i, std::int64_t d) {
      return r + (d - digit(r, i)) * stride[i];
    };
    const bool down = q.op != CollectiveOp::kAllGather;
    const bool up = q.op != CollectiveOp::kReduceScatter;
    const int slices = std::max(1, q.pipeline_chunks);
    for (int j = 0; j < slices; ++j) {
      s.group = static_cast<std::uint32_t>(j);
      // m[r][i]: bytes rank r holds entering tier i (m[r][tiers]: its final part).
      std::vector<std::vector<std::uint64_t>> m(static_cast<std::size_t>(n),
                                                std::vector<std::uint64_t>(tiers + 1));
      for (std::int64_t r = 0; r < n; ++r) {
        auto& mr = m[static_cast<std::size_t>(r)];
        mr[0] = split_bytes(q.bytes, slices, j);
        for (std::size_t i = 0; i < tiers; ++i)
          mr[i + 1] = split_bytes(mr[i], q.tiers[i].span, digit(r, i));
      }
      auto part = [&](std::int64_t r, std::size_t i) {
        return m[static_cast<std::size_t>(r)][i + 1];
      };
      std::vector<std::vector<std::uint32_t>> ready(static_cast<std::size_t>(n));
      if (down)
        for (std::size_t i = 0; i < tiers; ++i) {
          std::vector<std::vector<std::uint32_t>> in(static_cast<std::size_t>(n));
          for (std::int64_t r = 0; r < n; ++r)
            for (std::int64_t d = 0; d < q.tiers[i].span; ++d) {
              const std::int64_t p = with_digit(r, i, d);
              if (p == r) continue;
              in[static_cast<std::size_t>(p)].push_back(
                  s.send(r, p, part(p, i), ready[static_cast<std::size_t>(r)]));
            }
          for (std::int64_t r = 0; r < n; ++r)
            ready[static_cast<std::size_t>(r)] = {
                s.reduce(r, static_cast<std::uint64_t>(q.tiers[i].span - 1) * part(r, i),
                         in[static_cast<std::size_t>(r)])};
        }
      if (up)
        for (std::size_t k = tiers; k-- > 0;) {
          std::vector<std::vector<std::uint32_t>> in(static_cast<std::size_t>(n));
          for (std::int64_t r = 0; r < n; ++r)
            for (std::int64_t d = 0; d < q.tiers[k].span; ++d) {
              const std::int64_t p = with_digit(r, k, d);
              if (p == r) continue;
              in[static_cast<std::size_t>(p)].push_back(
                  s.send(r, p, part(r, k), ready[static_cast<std::size_t>(r)]));
            }
          for (std::int64_t r = 0; r < n; ++r)
            ready[static_cast<std::size_t>(r)] = in[static_cast<std::size_t>(r)];
        }
    }
    return s;
  }
};

}  // namespace

std::unique_ptr<ScheduleBuilder> make_hierarchical_schedule() {
  return std::make_unique<HierarchicalSchedule>();
}

}  // namespace maia
