#include "maia/hw/core/banked_sram.hpp"

#include <algorithm>

#include "maia/hw/chip/peaks.hpp"

namespace maia {

BankedSram::BankedSram(std::string name, const SramConfig& cfg, double clock_ghz)
    : name_(std::move(name)),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      latency_(cycles_to_ps(static_cast<double>(cfg.latency_cycles), clock_ghz)),
      banks_(static_cast<std::size_t>(cfg.banks)),
      scratch_(static_cast<std::size_t>(cfg.banks), 0) {}

double BankedSram::peak_gbps() const { return sram_peak_gbps(cfg_, clock_ghz_); }

Flow BankedSram::access(std::uint64_t addr, std::uint64_t bytes, bool write, Flow in,
                        bool streamed) {
  if (bytes == 0) return in;
  (write ? write_bytes_ : read_bytes_) += bytes;
  ++accesses_;
  const std::uint64_t il = static_cast<std::uint64_t>(cfg_.interleave_bytes);
  const std::uint64_t nb = banks_.size();
  std::fill(scratch_.begin(), scratch_.end(), 0);
  // Bytes per bank: whole rotations over all banks, then the partial units at either end.
  const std::uint64_t end = addr + bytes;
  const std::uint64_t first_unit = addr / il, last_unit = (end - 1) / il;
  const std::uint64_t units = last_unit - first_unit + 1;
  if (units > 2 * nb) {
    const std::uint64_t full = (units - 2) / nb;  // interior rotations
    for (auto& b : scratch_) b += full * il;
    for (std::uint64_t u = first_unit + 1 + full * nb; u < last_unit; ++u) scratch_[u % nb] += il;
    scratch_[first_unit % nb] += std::min(end, (first_unit + 1) * il) - addr;
    scratch_[last_unit % nb] += end - last_unit * il;
  } else {
    for (std::uint64_t u = first_unit; u <= last_unit; ++u) {
      const std::uint64_t lo = std::max(addr, u * il), hi = std::min(end, (u + 1) * il);
      scratch_[u % nb] += hi - lo;
    }
  }
  // Each bank is paced by the flow's share that falls on it.
  Flow out{kNever, 0};
  const double bank_gbps = static_cast<double>(cfg_.bank_width_bytes) * clock_ghz_;
  for (std::uint64_t b = 0; b < nb; ++b) {
    if (scratch_[b] == 0) continue;
    const Reservation r = (streamed ? reserve_streamed : reserve_paced)(
        banks_[b], in, transfer_ps(static_cast<double>(scratch_[b]), bank_gbps), scratch_[b]);
    out.first = std::min(out.first, r.start + latency_);
    out.last = std::max(out.last, r.end + latency_);
  }
  return out;
}

void BankedSram::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name_);
  Picos busy = 0, wait = 0, last = 0;
  for (const auto& b : banks_) {
    busy += b.busy_ps();
    wait += b.wait_ps();
    last = std::max(last, b.free_at());
  }
  g.set("read_bytes", static_cast<double>(read_bytes_), "B", "bytes read");
  g.set("write_bytes", static_cast<double>(write_bytes_), "B", "bytes written");
  g.set("accesses", static_cast<double>(accesses_), "count", "read and write requests");
  g.set("bank_busy_ns", ps_to_ns(busy), "ns", "sum over banks of busy time");
  g.set("bank_wait_ns", ps_to_ns(wait), "ns", "sum over banks of time requests queued (conflicts)");
  g.set("peak_gbps", peak_gbps(), "GB/s", "all banks busy every cycle");
  out.push_back(std::move(g));
}

}  // namespace maia
