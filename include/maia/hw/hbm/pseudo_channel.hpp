#pragma once
// Timing state machine of one HBM pseudo-channel (PC), driven one interleave unit at a time:
// each call is k bursts to one bank and row in one direction, scheduled in call order
// (an in-order controller) in O(1) and without SystemC waits.
//
// Command timing of one unit (all times in ps, `arrival` = when the unit reaches the PC):
//   row hit      col >= arrival
//   empty bank   ACT >= arrival
//   row conflict PRE >= max(arrival, bank precharge-ok), ACT >= PRE + tRP
//   every ACT    >= bank ACT + tRC, >= previous ACT + tRRD_S/L, >= 4th previous ACT + tFAW,
//                >= refresh end. ACT is not held back by the data bus, so opening other banks
//                overlaps with data transfer.
//   column       >= ACT + tRCD_rd/wr, >= PC next-column, >= bank-group next-column;
//                read >= end of last write data + tWTR_S/L (L: same bank group),
//                write >= last read column + tRTW.
// Fluid bank-group interleave: the unit's k column commands are tCCD_L apart (one bank group),
// slot_L = max(tCCD_L, tBL); other bank groups fill the gaps, so the unit advances
//   PC next-column         = col + k * slot_S   (slot_S = max(tCCD_S, tBL))
//   bank-group next-column = col + k * slot_L
// Hence bursts on one PC are never closer than tBL and bandwidth cannot exceed peak.
//   last column  col_last = col + (k - 1) * slot_L
//   read data end  = col_last + tCL  + tBL
//   write data end = col_last + tCWL + tBL
//   precharge-ok  >= ACT + tRAS, read: col_last + tRTP, write: data end + tWR.
// "Bank group" means a bank group of one SID (bank groups of different SIDs are distinct).
//
// Refresh (due times are fixed, first due at tREFI):
//   all_bank: due every tREFI; it starts at max(due, every open bank precharge-ok + tRP,
//     every closed bank's previous refresh end), closes all rows and blocks ACTs until
//     start + tRFC. Intervals missed while idle are skipped arithmetically and counted.
//   per_bank: bank b of N is due at tREFI + b*tREFI/N + n*tREFI and blocks only that bank
//     for tRFCpb, closing its row. It is issued when the bank is free (its precharge-ok + tRP);
//     if that would delay a request already waiting for the bank, the controller postpones
//     it, at most tREFI after it fell due. A refresh due while the bank was idle and before the
//     request arrived is issued on time and the request waits for it.
//   refresh stall = extra delay of the first column command of the unit that found the refresh.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {

// "Never happened": far enough in the past that every constraint derived from it is satisfied.
inline constexpr Picos kHbmLongAgo = -kPicosPerSecond;

struct PseudoChannelStats {
  std::uint64_t read_bytes = 0;  // bus bytes: whole bursts
  std::uint64_t write_bytes = 0;
  std::uint64_t read_bursts = 0;
  std::uint64_t write_bursts = 0;
  std::uint64_t units = 0;
  std::uint64_t row_hits = 0;
  std::uint64_t row_misses_empty = 0;
  std::uint64_t row_conflicts = 0;
  std::uint64_t activates = 0;
  std::uint64_t precharges = 0;  // PRE for row conflicts (refresh closes rows by itself)
  std::uint64_t refreshes = 0;   // refreshes issued up to the last evaluated request
  Picos refresh_stall_ps = 0;
  std::uint64_t turnarounds = 0;  // read<->write direction changes
  Picos bus_busy_ps = 0;          // bursts * tBL
  Picos first_activity = kNever;  // earliest arrival
  Picos last_activity = 0;        // latest data end
};

#if defined(__GNUC__)
#define MAIA_HBM_HOT inline __attribute__((always_inline))
#else
#define MAIA_HBM_HOT inline
#endif

class PseudoChannel {
 public:
  // `timing` is shared by all PCs of a subsystem and must outlive this object.
  PseudoChannel(const HbmConfig& cfg, const HbmTiming& timing);

  // Schedules `bursts` bursts to (loc.sid, loc.bank_group, loc.bank, loc.row) arriving at
  // `arrival`; returns the end of its data on the bus. Other fields of `loc` are ignored.
  MAIA_HBM_HOT Picos access(const HbmLocation& loc, bool write, std::uint32_t bursts,
                            Picos arrival);

  PseudoChannelStats stats() const;
  // The state after idling until `now`: every row closed (a precharge-all: each bank may
  // activate again tRP after its row could be closed), every refresh due by then issued.
  void precharge_all(Picos now);
  // Refreshes issued plus those due by `t` that no request has evaluated yet.
  std::uint64_t refreshes_through(Picos t) const;
  Picos last_activate() const { return last_act_; }
  // Earliest time the next column command can issue on this PC's command bus.
  Picos next_column() const { return pc_next_col_; }
  // When the first column command of a unit could issue if it went next (after its PRE and ACT
  // where it needs them), refresh aside: what a first-ready scheduler compares.
  MAIA_HBM_HOT Picos earliest_column(const HbmLocation& loc, bool write, Picos arrival) const;
  std::uint32_t banks() const { return static_cast<std::uint32_t>(banks_.size()); }
  std::uint32_t bank_index(const HbmLocation& loc) const {
    return (loc.sid * bank_groups_ + loc.bank_group) * banks_per_group_ + loc.bank;
  }
  // Open row of a bank, -1 when precharged.
  std::int64_t open_row(std::uint32_t bank) const { return banks_[bank].open_row; }

 private:
  struct Bank {
    std::int64_t open_row = -1;
    Picos act_time = 0;   // last ACT
    Picos pre_ok = 0;     // earliest PRE (tRAS, tRTP, tWR)
    Picos act_ok = 0;     // earliest ACT (tRC, refresh end)
    Picos idle_from = 0;  // end of its last refresh (when precharged)
    Picos next_ref = 0;   // per_bank: oldest refresh not yet issued
  };
  enum class Kind : std::uint8_t { kHit, kEmpty, kConflict };
  enum class Dir : std::uint8_t { kNone, kRead, kWrite };
  struct Plan {
    Kind kind;
    Picos pre, act, col;
    Picos first;  // first command: PRE, ACT or column
  };

  MAIA_HBM_HOT Plan plan(const Bank& b, std::uint32_t gbg, std::int64_t row, bool write,
                         Picos arrival) const;
  // Issues the refreshes found due by plan `p`, then re-plans.
  Plan refresh(Bank& b, std::uint32_t gbg, std::int64_t row, bool write, Picos arrival,
               const Plan& p);
  Picos bank_free(const Bank& b) const {
    return b.open_row >= 0 ? b.pre_ok + t_->tRP : b.idle_from;
  }

  const HbmTiming* t_;
  std::uint32_t bank_groups_;
  std::uint32_t banks_per_group_;
  std::uint32_t burst_bytes_;
  std::vector<Bank> banks_;
  std::vector<Picos> bg_next_col_;  // per (sid, bank group)
  std::array<Picos, 4> faw_{};      // last four ACT times, ring
  std::uint32_t faw_idx_ = 0;       // oldest entry
  Picos last_act_;
  std::uint32_t last_act_bg_ = ~0u;
  Picos pc_next_col_ = 0;
  Dir last_dir_ = Dir::kNone;
  Picos last_read_col_;
  Picos last_write_end_;
  std::uint32_t last_write_bg_ = ~0u;
  Picos next_ref_all_ = 0;  // all_bank: next refresh due
  // Counters kept per unit; the rest of PseudoChannelStats is derived from them.
  struct Counters {
    std::uint64_t read_bursts = 0, write_bursts = 0, units = 0, row_hits = 0, row_misses_empty = 0,
                  row_conflicts = 0, refreshes = 0, turnarounds = 0;
    Picos refresh_stall_ps = 0;
    Picos first_activity = kNever;
    Picos last_activity = 0;
  } stats_;
};

// Hot path, inline: called once per interleave unit.
MAIA_HBM_HOT PseudoChannel::Plan PseudoChannel::plan(const Bank& b, std::uint32_t gbg,
                                                     std::int64_t row, bool write,
                                                     Picos arrival) const {
  Plan p;
  Picos opened;  // ACT that opened the row used by the column commands
  if (b.open_row == row) {
    p.kind = Kind::kHit;
    p.pre = p.act = -1;
    opened = b.act_time;
  } else {
    Picos earliest = arrival;
    if (b.open_row >= 0) {
      p.kind = Kind::kConflict;
      p.pre = std::max(arrival, b.pre_ok);
      earliest = p.pre + t_->tRP;
    } else {
      p.kind = Kind::kEmpty;
      p.pre = -1;
    }
    Picos act = std::max(earliest, b.act_ok);
    act = std::max(act, last_act_ + (gbg == last_act_bg_ ? t_->tRRD_L : t_->tRRD_S));
    act = std::max(act, faw_[faw_idx_] + t_->tFAW);
    p.act = opened = act;
  }
  Picos col = std::max(arrival, opened + (write ? t_->tRCD_wr : t_->tRCD_rd));
  col = std::max(col, std::max(pc_next_col_, bg_next_col_[gbg]));
  if (write) {
    col = std::max(col, last_read_col_ + t_->tRTW);
  } else {
    col = std::max(col, last_write_end_ + (gbg == last_write_bg_ ? t_->tWTR_L : t_->tWTR_S));
  }
  p.col = col;
  p.first = p.kind == Kind::kHit ? col : (p.kind == Kind::kEmpty ? p.act : p.pre);
  return p;
}

MAIA_HBM_HOT Picos PseudoChannel::earliest_column(const HbmLocation& loc, bool write,
                                                  Picos arrival) const {
  const std::uint32_t gbg = loc.sid * bank_groups_ + loc.bank_group;
  return plan(banks_[gbg * banks_per_group_ + loc.bank], gbg, loc.row, write, arrival).col;
}

MAIA_HBM_HOT Picos PseudoChannel::access(const HbmLocation& loc, bool write, std::uint32_t bursts,
                                         Picos arrival) {
  const std::uint32_t gbg = loc.sid * bank_groups_ + loc.bank_group;
  Bank& b = banks_[gbg * banks_per_group_ + loc.bank];
  const std::int64_t row = loc.row;

  Plan p = plan(b, gbg, row, write, arrival);
  const Picos due = t_->refresh == HbmRefreshMode::kAllBank ? next_ref_all_ : b.next_ref;
  if (p.first >= due) p = refresh(b, gbg, row, write, arrival, p);

  const Picos k = bursts;
  const Picos col_last = p.col + (k - 1) * t_->slot_L;
  const Picos data_end = col_last + (write ? t_->tCWL : t_->tCL) + t_->tBL;

  if (p.kind == Kind::kHit) {
    ++stats_.row_hits;
  } else {
    if (p.kind == Kind::kConflict) {
      ++stats_.row_conflicts;
    } else {
      ++stats_.row_misses_empty;
    }
    faw_[faw_idx_] = p.act;
    faw_idx_ = (faw_idx_ + 1) & 3;
    last_act_ = p.act;
    last_act_bg_ = gbg;
    b.open_row = row;
    b.act_time = p.act;
    b.act_ok = p.act + t_->tRC;
    b.pre_ok = p.act + t_->tRAS;
  }
  b.pre_ok = std::max(b.pre_ok, write ? data_end + t_->tWR : col_last + t_->tRTP);

  pc_next_col_ = p.col + k * t_->slot_S;
  bg_next_col_[gbg] = p.col + k * t_->slot_L;

  const Dir dir = write ? Dir::kWrite : Dir::kRead;
  if (last_dir_ != dir && last_dir_ != Dir::kNone) ++stats_.turnarounds;
  last_dir_ = dir;
  if (write) {
    last_write_end_ = std::max(last_write_end_, data_end);
    last_write_bg_ = gbg;
    stats_.write_bursts += bursts;
  } else {
    last_read_col_ = std::max(last_read_col_, col_last);
    stats_.read_bursts += bursts;
  }
  ++stats_.units;
  stats_.first_activity = std::min(stats_.first_activity, arrival);
  stats_.last_activity = std::max(stats_.last_activity, data_end);
  return data_end;
}

#undef MAIA_HBM_HOT

}  // namespace maia
