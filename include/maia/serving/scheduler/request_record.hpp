#pragma once
// What the scheduler records about one request, and the latency metrics derived from it
// (definitions in docs/scheduler.md). Times are seconds on the serving loop's clock.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace maia {

enum class RequestStatus { kWaiting, kRunning, kCompleted, kRejected };

const char* to_string(RequestStatus status);

struct RequestRecord {
  std::uint64_t id = 0;
  double arrival_s = 0.0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  RequestStatus status = RequestStatus::kWaiting;
  std::string reject_reason;  // why, for kRejected

  std::optional<double> first_scheduled_s;  // start of the iteration that first admitted it
  std::optional<double> first_token_s;      // end of the iteration that emitted its first token
  std::optional<double> finish_s;           // end of the iteration that emitted its last token
  std::int64_t admission_index = -1;        // 0, 1, ... in order of first admission
  std::int64_t generated = 0;               // output tokens emitted (each exactly once)
  std::vector<double> token_times_s;        // end of the iteration that emitted each token
  std::int64_t preemptions = 0;             // times its KV was discarded (recompute)
  std::int64_t prefill_tokens = 0;          // prompt (and recomputed) tokens computed
  std::int64_t prefix_hit_tokens = 0;       // tokens served from the prefix cache, all admissions

  bool finished() const { return status == RequestStatus::kCompleted; }
  // first_token - arrival.
  std::optional<double> ttft_s() const;
  // finish - arrival.
  std::optional<double> e2e_s() const;
  // first_scheduled - arrival.
  std::optional<double> queueing_delay_s() const;
  // (finish - first_token) / (generated - 1): mean time per output token after the first;
  // nullopt unless completed with at least 2 tokens.
  std::optional<double> tpot_s() const;
  // Gaps between consecutive token times (generated - 1 of them).
  std::vector<double> inter_token_s() const;
};

}  // namespace maia
