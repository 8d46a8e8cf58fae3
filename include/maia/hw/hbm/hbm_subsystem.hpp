#pragma once
// The HBM3e memory subsystem: all stacks, channels and pseudo-channels behind one TLM-2.0
// blocking target. A transaction is split into interleave units by the address map; each unit
// is scheduled on its pseudo-channel, and the transaction completes when its last unit's data
// has moved, plus the controller latency. Each pseudo-channel's controller schedules its units
// with the policy hbm.scheduler (hbm_scheduler.hpp, pc_controller.hpp); requests in flight
// together (several streams) can be handed over at once with access_batch, so that a
// reordering policy sees all their units.
//
// Timing only: data contents are not stored or copied, so the payload's data pointer may be
// null. Byte enables and streaming width are ignored. Debug transport returns 0 bytes.
#include <cstdint>
#include <span>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "maia/config/chip_config.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"
#include "maia/hw/hbm/hbm_scheduler.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/hw/hbm/pc_controller.hpp"
#include "maia/hw/hbm/pseudo_channel.hpp"
#include "maia/report/stats.hpp"

namespace maia {

// Data-bus activity of one HBM channel (its pseudo-channels together), for timelines.
struct HbmBusyInterval {
  Picos start = 0, end = 0;
  std::uint64_t bytes = 0;  // whole bursts
  Picos bus_busy_ps = 0;    // bursts * tBL, summed over the channel's pseudo-channels
};

// One request of a batch handed to HbmSubsystem::access_batch.
struct HbmRequest {
  std::uint64_t addr = 0, len = 0;
  bool write = false;
  Picos arrival = 0;
};

class HbmSubsystem : public sc_core::sc_module, public StatsSource {
 public:
  tlm_utils::simple_target_socket<HbmSubsystem> socket;

  HbmSubsystem(sc_core::sc_module_name name, const HbmConfig& cfg);

  // Schedules [addr, addr + len) arriving at `arrival`; returns its completion time (arrival
  // when len == 0). Throws std::out_of_range when the range exceeds capacity.
  Picos access(std::uint64_t addr, std::uint64_t len, bool write, Picos arrival);
  // Schedules requests in flight together (e.g. one per stream); returns each one's completion.
  // Under fcfs the same as calling access for each in turn; a reordering policy chooses among
  // the units of all of them, per pseudo-channel, in a queue of hbm.queue_depth entries.
  std::vector<Picos> access_batch(std::span<const HbmRequest> requests);
  const HbmScheduler& scheduler() const { return *queue_.policy; }
  // Units a reordering policy issued ahead of an older unit.
  std::uint64_t reordered_units() const { return reordered_; }

  double peak_gbps() const { return peak_gbps_; }
  std::uint64_t capacity_bytes() const { return map_.capacity_bytes(); }
  const HbmAddressMap& address_map() const { return map_; }
  const HbmTiming& timing() const { return timing_; }
  std::size_t pseudo_channel_count() const { return pcs_.size(); }
  const PseudoChannel& pseudo_channel(std::size_t i) const { return pcs_[i]; }
  std::size_t pc_index(const HbmLocation& loc) const {
    return (static_cast<std::size_t>(loc.stack) * channels_ + loc.channel) * pseudo_channels_ +
           loc.pseudo_channel;
  }

  void collect_stats(std::vector<StatGroup>& out) const override;
  // Closes every open row of every pseudo-channel at `now`.
  void precharge_all(Picos now);

  // Timelines: from now on, log (or stop logging) each channel's data-bus busy intervals,
  // merging bursts less than `merge_gap` apart (off by default: one check per access).
  void log_activity(bool on, Picos merge_gap = 0);
  // The intervals logged since the last call, per channel (stack * channels + channel), in time
  // order; clears the log.
  std::vector<std::vector<HbmBusyInterval>> take_activity();
  std::size_t channels_per_stack() const { return channels_; }
  std::size_t pseudo_channels_per_channel() const { return pseudo_channels_; }

 private:
  void log_unit(std::size_t channel, Picos data_end, std::uint32_t bursts);
  // The reordering path of access / access_batch.
  void schedule_queued(std::span<const HbmRequest> requests, std::span<Picos> done);

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);

  HbmAddressMap map_;
  HbmTiming timing_;
  std::size_t stacks_;
  std::size_t channels_;
  std::size_t pseudo_channels_;
  double peak_gbps_;
  std::vector<PseudoChannel> pcs_;
  PcQueueSettings queue_;
  std::uint64_t reordered_ = 0;
  std::vector<HbmPendingUnit> pending_;    // scratch: units of a batch, grouped per PC
  std::vector<std::uint32_t> pending_pc_;  // scratch: their PC indices
  std::uint64_t burst_bytes_;
  bool logging_ = false;
  Picos merge_gap_ = 0;
  std::vector<std::vector<HbmBusyInterval>> activity_;  // per channel
};

}  // namespace maia
