#pragma once
// Scheduling policy of one pseudo-channel controller: which pending interleave unit of its
// request queue it issues next. Each policy is one file of src/hw/hbm/ and one line in
// hbm_scheduler_registry.cpp; hbm.scheduler names it.
//
// How reordering fits the unit-at-a-time PseudoChannel: the subsystem splits every request
// it is handed together (one access, or several in flight from different streams through
// HbmSubsystem::access_batch) into units, groups them per pseudo-channel in arrival order,
// and gives each PC's controller a queue of at most hbm.queue_depth of them. The policy picks
// one; the controller issues it on the PseudoChannel (its timing state machine, unchanged), and
// the next pending unit enters the queue. A policy that never reorders (fcfs) keeps the direct
// in-order path: each unit goes to the PseudoChannel as it is produced, bit-identical to the
// controller before policies existed. Units of requests handed over separately are never
// reordered against each other: a request's completion is returned when it is handed over.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "maia/core/time.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"

namespace maia {

// One interleave unit waiting in a PC's request queue.
struct HbmPendingUnit {
  HbmLocation loc;
  bool write = false;
  std::uint32_t bursts = 0;
  Picos arrival = 0;
  std::uint32_t request = 0;  // index of its request in the batch
};

// What a policy sees of the queue (oldest first, at most hbm.queue_depth entries).
struct HbmQueueView {
  std::span<const HbmPendingUnit> units;
  std::span<const std::uint8_t> row_hit;  // 1: the unit's row is open in its bank
  std::span<const Picos> ready_at;  // when the unit's first column could issue if it went next
  Picos now = 0;                    // earliest time the PC can issue its next column command
  std::uint32_t streak = 0;         // row hits issued in a row ahead of an older waiting unit
  std::uint32_t row_hit_cap = 0;    // hbm.row_hit_cap
};

class HbmScheduler {
 public:
  virtual ~HbmScheduler() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // False: the policy always picks the oldest unit (the subsystem's in-order fast path).
  virtual bool reorders() const = 0;
  // Index into q.units of the unit to issue next (q.units is never empty).
  virtual std::size_t pick(const HbmQueueView& q) const = 0;
};

std::unique_ptr<HbmScheduler> make_fcfs_scheduler();
std::unique_ptr<HbmScheduler> make_fr_fcfs_scheduler();
std::unique_ptr<HbmScheduler> make_fr_fcfs_cap_scheduler();

// Every registered policy, in registration order (fcfs, fr-fcfs, fr-fcfs-cap).
const std::vector<std::unique_ptr<HbmScheduler>>& hbm_schedulers();
// The policy called `name`; InputError naming `where`, the known names and a did-you-mean.
const HbmScheduler& find_hbm_scheduler(const std::string& name, const std::string& where);
std::string hbm_scheduler_names_text();

}  // namespace maia
