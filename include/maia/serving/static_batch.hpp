#pragma once
// A static batch: `batch` requests arrive together, are prefilled in one iteration (which emits
// each request's first token) and then decoded together for gen - 1 iterations. Each iteration's
// time is its operator graph run on the chip's backend. Decode iterations differ only in
// context length, so by default every decode_stride-th step (and the last) is simulated and the
// steps between are interpolated linearly in context length; `exact` simulates every step.
#include <cstdint>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/core/time.hpp"
#include "maia/report/summary.hpp"
#include "maia/serving/speculative_decoding.hpp"
#include "maia/workload/batch.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {

struct StaticBatchSpec {
  std::int64_t batch = 8;           // requests
  std::int64_t prompt = 2048;       // prompt tokens per request
  std::int64_t gen = 128;           // output tokens per request (the first comes from prefill)
  std::int64_t decode_stride = 16;  // simulate every n-th decode step (and the last)
  bool exact = false;               // simulate every decode step
};

// One decode iteration: step i (0-based) has cached = prompt + i tokens and 1 new per request.
// With speculative decoding a step is K draft iterations and one verification of K + 1 new
// tokens per request after cached = prompt + floor(i * E) (E: expected tokens emitted per step).
struct DecodeStep {
  std::int64_t context = 0;  // cached tokens per request
  double time_ns = 0;        // with speculation: drafts + verification
  bool simulated = false;    // false: interpolated between its simulated neighbours
  double draft_ns = 0;       // of time_ns, the K draft iterations
  // Share of the step counted in the decode time: 1, except a speculative run's last step, which
  // emits only the tokens left (expected-value accounting: (gen - 1) / E steps in all).
  double weight = 1.0;
  Activity activity;  // events of the step (drafts included), interpolated like time_ns
};

// Speculative decoding in a static batch (k == 0: off).
struct StaticSpeculation {
  std::int64_t k = 0;
  std::string draft;
  double emitted_per_step = 1.0;  // E
  double draft_prefill_ns = 0;    // the draft's prefill of the prompts (included in TTFT)
};

struct StaticBatchResult {
  std::string model;
  Quantization quant;
  StaticBatchSpec spec;
  IterationResult prefill;         // the prefill iteration with its per-op measurements
  Activity prefill_activity;       // events of the prefill iteration, the draft's included
  std::vector<DecodeStep> decode;  // gen - 1 steps
  IterationResult decode_sample;   // the last simulated decode step's ops (empty when gen == 1)
  std::int64_t decode_sample_context = 0;
  std::uint64_t ops_simulated = 0, ops_reused = 0;  // over this run
  StaticSpeculation speculation;
  // Groups running the same per-chip batch side by side (expert-parallel attention groups x
  // data-parallel replicas): the run's requests are spec.batch x replicas, at the same latency.
  std::int64_t replicas = 1;

  double ttft_ns() const { return prefill.time_ns; }
  double decode_total_ns() const;
  double e2e_ns() const { return ttft_ns() + decode_total_ns(); }
  // Decode time per output token after the first: the mean decode iteration without
  // speculation; 0 when gen == 1.
  double tpot_ns() const;
  // Of decode_total_ns, the draft iterations and the verifications (speculation only).
  double draft_total_ns() const;
  // One entry per request of every replica (all equal in a static batch).
  std::vector<RequestMetrics> requests() const;
};

// InputError unless batch, prompt, gen and decode_stride are >= 1.
void validate_static_batch(const StaticBatchSpec& spec);
// The batch of the prefill iteration, and of decode step `step` (0-based).
std::vector<Sequence> static_prefill_batch(const StaticBatchSpec& spec);
std::vector<Sequence> static_decode_batch(const StaticBatchSpec& spec, std::int64_t step);

// The largest footprint over the run (prefill workspace, or the KV cache at the last decode
// step); InputError "model does not fit: ..." when it exceeds hbm_bytes. With speculation the
// draft's weights and KV count too, and the last step holds K draft tokens more per request.
MemoryFootprint check_static_batch_capacity(const ModelConfig& model, const Quantization& quant,
                                            const StaticBatchSpec& spec, std::uint64_t hbm_bytes,
                                            const SpeculativeDecoding* speculative = nullptr);

// Runs the prefill and decode iterations on `backend` (with speculative decoding when given).
StaticBatchResult run_static_batch(Backend& backend, const ModelConfig& model,
                                   const Quantization& quant, const StaticBatchSpec& spec,
                                   const SpeculativeDecoding* speculative = nullptr);

// The report of a static batch run (wall time, memory and capacity left for the caller to fill).
RunSummary static_batch_summary(const StaticBatchResult& r, const std::string& chip, bool memoize);

// Where decode step `step` of a static batch starts: the prefill and the previous steps, each
// rounded to whole ps, one after another (record_static_batch draws them there).
Picos static_decode_start(const StaticBatchResult& r, std::size_t step);

// The iterations and requests of a static batch (its simulated operators and engines were drawn
// while it ran; interpolated decode steps have no operator detail).
void record_static_batch(Timeline& t, const StaticBatchResult& r);

}  // namespace maia
