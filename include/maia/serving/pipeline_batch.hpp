#pragma once
// A static batch through a pipeline of stages (maia/workload/pipeline_parallel.hpp): the batch in
// M micro-batches of ceil(batch / M) requests; each stage's iterations simulated for one
// micro-batch on the backend (one chip of the stage; symmetric within it), then composed into
// the pipeline's iteration times with the stage-to-stage transfer and the bubble.
#include <cstdint>
#include <functional>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/workload/pipeline_parallel.hpp"

namespace maia {

struct PipelineRun {
  std::int64_t stages = 1, micro_batches = 1, micro_batch_requests = 0;
  // Per micro-batch: each stage's prefill, and its decode step at the last simulated step.
  std::vector<double> prefill_stage_ns, decode_stage_ns;
  double prefill_link_ns = 0, decode_link_ns = 0;  // one stage-to-stage transfer
  PipelineIteration prefill, decode;               // decode: the last simulated step
};

// The time of one stage-to-stage transfer of `tokens` tokens' activations, ns.
using PipelineLinkTime = std::function<double(std::int64_t tokens)>;

// Runs `model` (model.pipeline_parallel stages) as `micro_batches` micro-batches of `spec`
// (InputError unless 1 <= micro_batches <= spec.batch). The result's iteration times are the
// pipeline's; its operators are every stage's for one micro-batch, in stage order.
StaticBatchResult run_pipelined_static_batch(Backend& backend, const ModelConfig& model,
                                             const Quantization& quant, const StaticBatchSpec& spec,
                                             std::int64_t micro_batches,
                                             const PipelineLinkTime& link_ns, PipelineRun& run);

}  // namespace maia
