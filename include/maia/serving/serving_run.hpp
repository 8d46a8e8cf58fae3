#pragma once
// The serving loop: requests arrive over simulated time, the continuous-batching Scheduler
// (docs/scheduler.md) plans each iteration, and the chip's backend (maia/backend/backend.hpp)
// says how long it took: the prompt upload and token return over the host interface (HostIo)
// plus the iteration's operators, either the whole operator graph of the true batch (`exact`) or
// the IterationCostModel's interpolation of separately measured parts (docs/serving.md).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/report/summary.hpp"
#include "maia/serving/request.hpp"
#include "maia/serving/scheduler/scheduler.hpp"
#include "maia/serving/speculative_decoding.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {

// Where a serving run is, for progress reporting.
struct ServingProgress {
  std::int64_t requests_done = 0;  // completed + rejected
  std::int64_t requests_total = 0;
  std::int64_t iterations = 0;
  double simulated_s = 0;  // since the first arrival
};

struct ServingOptions {
  std::int64_t max_num_seqs = 256;
  std::int64_t max_batched_tokens = 8192;
  std::int64_t block_tokens = 16;
  // KV cache capacity in blocks; 0: what HBM holds after weights and workspace. Set, it must
  // not exceed that (a smaller cache, e.g. to study preemption).
  std::int64_t kv_blocks = 0;
  bool prefix_caching = true;
  // Simulate every iteration's whole operator graph; otherwise the IterationCostModel
  // interpolates measured parts (and host transfers of equal size reuse one measurement).
  bool exact = false;
  // Grid points per octave of the cost model's arguments.
  int cost_points_per_octave = 8;
  // Service-level objectives for goodput: a completed request meets them when its TTFT and TPOT
  // are at most these (<= 0: that objective is not applied).
  double slo_ttft_ms = 2000;
  double slo_tpot_ms = 100;
  // Speculative decoding (docs/serving.md): the draft, K and the acceptance model; none: off.
  std::optional<SpeculativeDecoding> speculative;
  // Called after every iteration (the caller throttles its output).
  std::function<void(const ServingProgress&)> progress;
};

// Iterations of one kind: "prefill" (any prefill tokens, mixed with decodes or not) or "decode".
struct ServingPhase {
  std::int64_t iterations = 0;
  std::int64_t simulated = 0;  // run on the chip model (the rest reused a measurement)
  std::int64_t tokens = 0;     // tokens computed
  double time_ns = 0;
  Activity activity;  // one chip's events (drafts and host transfers included)
};

// What speculative decoding did over a serving run (all zero when it was off).
struct SpeculativeStats {
  std::int64_t k = 0;
  std::string draft;
  std::int64_t steps = 0;            // decode steps that verified drafts
  std::int64_t draft_tokens = 0;     // drafts proposed and verified
  std::int64_t accepted_tokens = 0;  // of which accepted
  std::int64_t rolled_back_blocks = 0;
  double draft_ns = 0;   // draft-model iterations (included in the iterations' times)
  double verify_ns = 0;  // target iterations that verified drafts
  std::uint64_t draft_weight_bytes = 0, draft_kv_block_bytes = 0;
  // Tokens emitted per speculative step: the accepted drafts and the target's own token.
  double mean_emitted_per_step() const {
    return steps > 0 ? 1.0 + static_cast<double>(accepted_tokens) / static_cast<double>(steps)
                     : 0.0;
  }
};

struct ServingResult {
  SchedulerConfig config;              // as run (kv_blocks filled in)
  std::vector<RequestRecord> records;  // submission order
  SchedulerStats stats;
  std::uint64_t kv_block_bytes = 0;
  MemoryFootprint memory;  // weights + workspace + the KV cache capacity
  std::uint64_t hbm_capacity_bytes = 0;
  // Iterations; of which simulated (exact: all; otherwise those that measured a new grid
  // point of the cost model) and reused (the rest).
  std::int64_t iterations = 0, simulated_iterations = 0, reused_iterations = 0;
  std::int64_t cost_points_simulated = 0;  // grid points measured by the cost model
  // Host interface: prompt token ids uploaded, sampled token ids returned, and the time both
  // took (included in the iterations' times and so in the phases).
  std::uint64_t host_upload_bytes = 0, host_return_bytes = 0;
  double host_upload_ns = 0, host_return_ns = 0;
  std::int64_t host_transfers_simulated = 0;
  // Sum over iterations of KV blocks in use x the iteration's time (block-seconds).
  double kv_block_seconds = 0;
  double slo_ttft_ms = 0, slo_tpot_ms = 0;  // as run
  ServingPhase prefill, decode;
  double first_arrival_s = 0, end_s = 0;            // makespan = end_s - first_arrival_s
  std::uint64_t ops_simulated = 0, ops_reused = 0;  // over this run
  IterationResult prefill_sample, decode_sample;    // first simulated iteration of each kind
  SpeculativeStats speculative;
  double makespan_s() const { return end_s - first_arrival_s; }
};

// The SchedulerConfig of `options` with kv_blocks = (device memory `memory_bytes` - weights -
// workspace) / KV bytes of one block; InputError when not even one block fits. With speculative
// decoding the draft's weights count with the target's, a block holds the draft's KV of its
// tokens too, and speculative_tokens = K.
SchedulerConfig serving_scheduler_config(std::uint64_t memory_bytes, const ModelConfig& model,
                                         const Quantization& quant, const ServingOptions& options);

// The frame of a result before any request runs: the scheduler config, KV block size, memory
// footprint (weights, workspace, the KV cache's capacity) and SLOs of `options` on `backend`
// (without a speculative draft's share).
ServingResult serving_result_frame(const Backend& backend, const ModelConfig& model,
                                   const Quantization& quant, const ServingOptions& options);

// Runs `requests` (arrival order) to completion on `backend`.
ServingResult run_serving(Backend& backend, const ModelConfig& model, const Quantization& quant,
                          const std::vector<Request>& requests, const ServingOptions& options);

// The report of a serving run (wall time left for the caller; `workload` echoed as is).
RunSummary serving_summary(const ServingResult& r, const std::string& model,
                           const std::string& chip, const Quantization& quant, bool memoize,
                           const Json& workload);
// Requests that completed within both SLOs of the run (see ServingOptions).
std::int64_t goodput_requests(const ServingResult& r);
// summary_json plus a "serving" block (queueing delay, inter-token latency, request rate,
// goodput, KV, preemptions, prefix cache, host transfers, iterations).
Json serving_summary_json(const RunSummary& s, const ServingResult& r);
// DIR/requests.csv: one row per request.
void write_requests_csv(const ServingResult& r, const std::string& file);
// summary.json (with the serving block), ops.csv and requests.csv into `dir`.
void write_serving_outputs(const RunSummary& s, const ServingResult& r, const std::string& dir);

}  // namespace maia
