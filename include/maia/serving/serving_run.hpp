#pragma once
// The serving loop: requests arrive over simulated time, the continuous-batching Scheduler
// (docs/scheduler.md) plans each iteration, and the iteration's operator graph runs on the chip
// model (OpExecutor) to say how long it took. Whole iterations are memoised by a batch signature
// with each sequence's cached context bucketed (see serving_batch_signature) unless `exact`.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "maia/compiler/op_executor.hpp"
#include "maia/report/summary.hpp"
#include "maia/serving/request.hpp"
#include "maia/serving/scheduler/scheduler.hpp"
#include "maia/sim/program_run.hpp"
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
  bool prefix_caching = true;
  // Simulate every iteration; otherwise iterations with equal signatures reuse one measurement.
  bool exact = false;
  // Cached context of each sequence is rounded to the nearest multiple of this for the signature
  // (and the representative batch simulated for it).
  std::int64_t context_bucket_tokens = 256;
  // Called after every iteration (the caller throttles its output).
  std::function<void(const ServingProgress&)> progress;
};

// Iterations of one kind: "prefill" (any prefill tokens, mixed with decodes or not) or "decode".
struct ServingPhase {
  std::int64_t iterations = 0;
  std::int64_t simulated = 0;  // run on the chip model (the rest reused a measurement)
  std::int64_t tokens = 0;     // tokens computed
  double time_ns = 0;
};

struct ServingResult {
  SchedulerConfig config;              // as run (kv_blocks filled in)
  std::vector<RequestRecord> records;  // submission order
  SchedulerStats stats;
  std::uint64_t kv_block_bytes = 0;
  MemoryFootprint memory;  // weights + workspace + the KV cache capacity
  std::uint64_t hbm_capacity_bytes = 0;
  std::int64_t iterations = 0, simulated_iterations = 0, reused_iterations = 0;
  ServingPhase prefill, decode;
  double first_arrival_s = 0, end_s = 0;            // makespan = end_s - first_arrival_s
  std::uint64_t ops_simulated = 0, ops_reused = 0;  // over this run
  IterationResult prefill_sample, decode_sample;    // first simulated iteration of each kind
  double makespan_s() const { return end_s - first_arrival_s; }
};

// The signature of a batch: the sorted (bucketed cached, new, samples) of its sequences.
std::string serving_batch_signature(const std::vector<Sequence>& batch, std::int64_t bucket_tokens);
// The batch whose cached contexts are rounded to the nearest multiple of bucket_tokens (ties up).
std::vector<Sequence> bucketed_batch(const std::vector<Sequence>& batch,
                                     std::int64_t bucket_tokens);

// The SchedulerConfig of `options` with kv_blocks = (HBM - weights - workspace) / KV bytes of
// one block; InputError when not even one block fits.
SchedulerConfig serving_scheduler_config(const ChipConfig& chip, const ModelConfig& model,
                                         const Quantization& quant, const ServingOptions& options);

// Runs `requests` (arrival order) to completion on `session` through `exec`.
ServingResult run_serving(ChipSession& session, OpExecutor& exec, const ModelConfig& model,
                          const Quantization& quant, const std::vector<Request>& requests,
                          const ServingOptions& options);

// The report of a serving run (wall time left for the caller; `workload` echoed as is).
RunSummary serving_summary(const ServingResult& r, const std::string& model,
                           const std::string& chip, const Quantization& quant, bool memoize,
                           const Json& workload);
// summary_json plus a "serving" block (queueing delay, inter-token latency, KV, preemptions,
// prefix cache, iterations).
Json serving_summary_json(const RunSummary& s, const ServingResult& r);
// DIR/requests.csv: one row per request.
void write_requests_csv(const ServingResult& r, const std::string& file);
// summary.json (with the serving block), ops.csv and requests.csv into `dir`.
void write_serving_outputs(const RunSummary& s, const ServingResult& r, const std::string& dir);

}  // namespace maia
