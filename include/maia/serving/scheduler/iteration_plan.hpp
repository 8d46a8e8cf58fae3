#pragma once
// One iteration chosen by the scheduler: the batch to run on the chip and which request each
// sequence belongs to. Handed back to Scheduler::complete_iteration when the iteration ends.
#include <cstdint>
#include <vector>

#include "maia/workload/batch.hpp"

namespace maia {

struct IterationPlan {
  std::uint64_t iteration = 0;  // 0, 1, ... (empty plans are not numbered)
  double start_s = 0.0;         // the now_s it was planned at
  // cached_tokens: KV already present (prefix hits included); new_tokens: computed now;
  // samples: emits a token (decode, or the last chunk of a prefill).
  std::vector<Sequence> batch;
  std::vector<std::uint64_t> request_ids;  // batch[i] belongs to request_ids[i]
  std::int64_t scheduled_tokens = 0;       // sum of new_tokens
  std::int64_t prefill_tokens = 0;         // of which in prefills (incl. recompute)
  std::int64_t decode_tokens = 0;          // of which decodes (1 + drafts per decoding sequence)
  // Speculative decoding (SchedulerConfig::speculative_tokens > 0): the draft tokens verified
  // for batch[i] (0 for prefills and plain decodes; empty without speculation). A decode with
  // d drafts has new_tokens = 1 + d: the last emitted token and the drafts.
  std::vector<std::int64_t> drafts;
  std::int64_t draft_tokens = 0;  // sum of drafts
  std::int64_t preemptions = 0;   // sequences preempted while planning it
  std::int64_t admitted = 0;      // requests admitted from the waiting queue

  // Nothing to run: no request has arrived yet (see Scheduler::next_arrival_s).
  bool empty() const { return batch.empty(); }
};

}  // namespace maia
