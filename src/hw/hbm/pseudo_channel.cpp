#include "maia/hw/hbm/pseudo_channel.hpp"

#include <algorithm>

namespace maia {

PseudoChannel::PseudoChannel(const HbmConfig& cfg, const HbmTiming& timing)
    : t_(&timing),
      bank_groups_(static_cast<std::uint32_t>(cfg.bank_groups)),
      banks_per_group_(static_cast<std::uint32_t>(cfg.banks_per_group)),
      burst_bytes_(static_cast<std::uint32_t>(cfg.burst_bytes)),
      banks_(static_cast<std::size_t>(cfg.sids * cfg.bank_groups * cfg.banks_per_group)),
      bg_next_col_(static_cast<std::size_t>(cfg.sids * cfg.bank_groups), 0),
      last_act_(kHbmLongAgo),
      last_read_col_(kHbmLongAgo),
      last_write_end_(kHbmLongAgo),
      next_ref_all_(timing.tREFI) {
  faw_.fill(kHbmLongAgo);
  const auto n = static_cast<Picos>(banks_.size());
  for (Picos b = 0; b < n; ++b) {
    banks_[b].act_time = kHbmLongAgo;
    banks_[b].next_ref = t_->tREFI + b * t_->tREFI / n;
  }
}

PseudoChannel::Plan PseudoChannel::refresh(Bank& b, std::uint32_t gbg, std::int64_t row, bool write,
                                           Picos arrival, const Plan& p) {
  const Picos tREFI = t_->tREFI;
  Plan q = p;
  if (t_->refresh == HbmRefreshMode::kAllBank) {
    do {
      const Picos due = next_ref_all_;
      const Picos n = (q.first - due) / tREFI + 1;
      const Picos last_due = due + (n - 1) * tREFI;
      Picos start = last_due;
      for (const Bank& bk : banks_) start = std::max(start, bank_free(bk));
      const Picos end = start + t_->tRFC;
      for (Bank& bk : banks_) {
        bk.open_row = -1;
        bk.act_ok = std::max(bk.act_ok, end);
        bk.idle_from = end;
      }
      stats_.refreshes += static_cast<std::uint64_t>(n);
      next_ref_all_ = last_due + tREFI;
      q = plan(b, gbg, row, write, arrival);
    } while (q.first >= next_ref_all_);
  } else {
    const Picos pending = b.next_ref;
    const Picos n = (q.first - pending) / tREFI + 1;
    const Picos last_due = pending + (n - 1) * tREFI;
    const Picos free = bank_free(b);
    const Picos start = std::max(last_due, free);
    const Picos act_needed =
        q.kind == Kind::kHit ? q.col - (write ? t_->tRCD_wr : t_->tRCD_rd) : q.act;
    const bool fits = start + t_->tRFCpb <= act_needed;
    const bool demand_waiting = arrival <= last_due || free > last_due;
    if (!fits && demand_waiting && q.first < pending + tREFI) {
      // Postpone the latest; earlier ones were issued while the bank was idle.
      stats_.refreshes += static_cast<std::uint64_t>(n - 1);
      b.next_ref = last_due;
      return q;
    }
    b.open_row = -1;
    b.act_ok = std::max(b.act_ok, start + t_->tRFCpb);
    b.idle_from = start + t_->tRFCpb;
    b.next_ref = last_due + tREFI;
    stats_.refreshes += static_cast<std::uint64_t>(n);
    q = plan(b, gbg, row, write, arrival);
  }
  stats_.refresh_stall_ps += std::max<Picos>(0, q.col - p.col);
  return q;
}

PseudoChannelStats PseudoChannel::stats() const {
  PseudoChannelStats s;
  s.read_bursts = stats_.read_bursts;
  s.write_bursts = stats_.write_bursts;
  s.read_bytes = stats_.read_bursts * burst_bytes_;
  s.write_bytes = stats_.write_bursts * burst_bytes_;
  s.units = stats_.units;
  s.row_hits = stats_.row_hits;
  s.row_misses_empty = stats_.row_misses_empty;
  s.row_conflicts = stats_.row_conflicts;
  s.activates = stats_.row_misses_empty + stats_.row_conflicts;
  s.precharges = stats_.row_conflicts;
  s.refreshes = stats_.refreshes;
  s.refresh_stall_ps = stats_.refresh_stall_ps;
  s.turnarounds = stats_.turnarounds;
  s.bus_busy_ps = static_cast<Picos>(stats_.read_bursts + stats_.write_bursts) * t_->tBL;
  s.first_activity = stats_.first_activity;
  s.last_activity = stats_.last_activity;
  return s;
}

std::uint64_t PseudoChannel::refreshes_through(Picos t) const {
  const auto due_by = [&](Picos next) -> std::uint64_t {
    return t >= next ? static_cast<std::uint64_t>((t - next) / t_->tREFI + 1) : 0;
  };
  std::uint64_t n = stats_.refreshes;
  if (t_->refresh == HbmRefreshMode::kAllBank) return n + due_by(next_ref_all_);
  for (const Bank& b : banks_) n += due_by(b.next_ref);
  return n;
}

void PseudoChannel::precharge_all(Picos now) {
  const Picos tREFI = t_->tREFI;
  // Refreshes due by now were issued while the channel idled (none stays postponed).
  const auto settle = [&](Picos& next) {
    if (next > now) return;
    const Picos n = (now - next) / tREFI + 1;
    next += n * tREFI;
    stats_.refreshes += static_cast<std::uint64_t>(n);
  };
  const bool all_bank = t_->refresh == HbmRefreshMode::kAllBank;
  if (all_bank) settle(next_ref_all_);
  for (Bank& b : banks_) {
    if (!all_bank) settle(b.next_ref);
    if (b.open_row < 0) continue;
    b.open_row = -1;
    b.act_ok = std::max(b.act_ok, std::max(b.pre_ok, now) + t_->tRP);
  }
}

}  // namespace maia
