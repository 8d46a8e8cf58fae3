#include "maia/serving/pipeline_batch.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

StaticBatchResult run_pipelined_static_batch(Backend& backend, const ModelConfig& model,
                                             const Quantization& quant, const StaticBatchSpec& spec,
                                             std::int64_t micro_batches,
                                             const PipelineLinkTime& link_ns, PipelineRun& run) {
  validate_static_batch(spec);
  if (micro_batches < 1 || micro_batches > spec.batch)
    throw InputError(fmt::format("--micro-batches: must be in [1, --batch per chip = {}], got {}",
                                 spec.batch, micro_batches));
  StaticBatchSpec one = spec;
  one.batch = (spec.batch + micro_batches - 1) / micro_batches;
  run.stages = model.pipeline_parallel;
  run.micro_batches = micro_batches;
  run.micro_batch_requests = one.batch;
  std::vector<StaticBatchResult> stage;
  for (std::int64_t s = 0; s < model.pipeline_parallel; ++s)
    stage.push_back(run_static_batch(backend, pipeline_stage(model, s), quant, one));

  StaticBatchResult r = stage.front();
  r.spec = spec;
  r.ops_simulated = r.ops_reused = 0;
  r.prefill.ops.clear();
  r.decode_sample.ops.clear();
  run.prefill_link_ns = link_ns(one.batch * one.prompt);
  run.decode_link_ns = link_ns(one.batch);
  for (const auto& st : stage) {
    run.prefill_stage_ns.push_back(st.prefill.time_ns);
    r.prefill.ops.insert(r.prefill.ops.end(), st.prefill.ops.begin(), st.prefill.ops.end());
    r.decode_sample.ops.insert(r.decode_sample.ops.end(), st.decode_sample.ops.begin(),
                               st.decode_sample.ops.end());
    r.ops_simulated += st.ops_simulated;
    r.ops_reused += st.ops_reused;
  }
  run.prefill = pipeline_iteration(run.prefill_stage_ns, run.prefill_link_ns, micro_batches);
  r.prefill.time_ns = run.prefill.time_ns;
  for (std::size_t i = 0; i < r.decode.size(); ++i) {
    std::vector<double> c;
    for (const auto& st : stage) c.push_back(st.decode[i].time_ns);
    const PipelineIteration it = pipeline_iteration(c, run.decode_link_ns, micro_batches);
    r.decode[i].time_ns = it.time_ns;
    if (i + 1 == r.decode.size()) {
      run.decode_stage_ns = c;
      run.decode = it;
    }
  }
  r.decode_sample.time_ns = r.decode.empty() ? 0.0 : r.decode.back().time_ns;
  return r;
}

}  // namespace maia
