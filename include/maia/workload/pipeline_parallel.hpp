#pragma once
// Pipeline parallelism: a model's layers split into P stages of consecutive layers, each on its
// own chip (or tensor-parallel group); a batch goes through as M micro-batches. Stage s runs
// micro-batch j after stage s - 1 has sent it its activations (tokens x hidden in the
// activation datatype), so one iteration (a prefill, or one decode step of every micro-batch)
// takes the fill and drain of the pipeline: with stage times c_s per micro-batch and a transfer
// of x between stages,
//   T = sum_s c_s + (P - 1) x + (M - 1) max(max_s c_s, x)
// (a micro-batch's next decode step waits for the iteration to drain: no overlap across
// iterations). The bubble is the share of the P chips' time T left idle: 1 - M sum_s c_s / (P T),
// (P - 1) / (M + P - 1) for equal stages and x = 0.
#include <cstdint>
#include <vector>

#include "maia/workload/model_config.hpp"

namespace maia {

// Sets model.pipeline_parallel = pp (stage 0) after checking 1 <= pp <= the layer count;
// InputError naming `option`, the rule and the values otherwise.
void apply_pipeline_parallel(ModelConfig& model, std::int64_t pp, const char* option = "--pp");

// Stage `stage` (0-based) of a pipelined model.
ModelConfig pipeline_stage(const ModelConfig& model, std::int64_t stage);

struct PipelineIteration {
  double time_ns = 0;
  double bubble_fraction = 0;
};

// The iteration time and bubble above for per-micro-batch stage times `stage_ns`, a
// stage-to-stage transfer of `link_ns` and `micro_batches` micro-batches.
PipelineIteration pipeline_iteration(const std::vector<double>& stage_ns, double link_ns,
                                     std::int64_t micro_batches);

}  // namespace maia
