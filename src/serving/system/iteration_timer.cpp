#include "iteration_timer.hpp"

#include "maia/workload/operator_graph.hpp"

namespace maia {

IterationTimer::IterationTimer(Backend& backend, const ModelConfig& model,
                               const Quantization& quant, const ServingOptions& options)
    : backend_(backend),
      model_(model),
      quant_(quant),
      exact_(options.exact),
      cost_(backend, model, quant, options.cost_points_per_octave),
      host_(backend, !options.exact) {}

IterationTime IterationTimer::time(const IterationPlan& plan, std::uint64_t upload_tokens) {
  IterationTime t;
  t.upload_bytes = kTokenIdBytes * upload_tokens;
  for (const Sequence& q : plan.batch)
    if (q.emits_token()) t.return_bytes += kTokenIdBytes;
  t.upload_ns = host_.transfer_ns(t.upload_bytes, true);
  t.return_ns = host_.transfer_ns(t.return_bytes, false);
  auto& sample = plan.prefill_tokens > 0 ? prefill_sample : decode_sample;
  double ops_ns = 0;
  t.simulated = true;
  if (exact_ || sample.ops.empty()) {
    IterationResult it = backend_.run_graph(build_iteration_graph(model_, quant_, plan.batch));
    if (exact_) ops_ns = it.time_ns;
    if (sample.ops.empty()) sample = std::move(it);
  }
  if (!exact_) {
    const std::int64_t points = cost_.points_simulated();
    ops_ns = cost_.time_ns(plan.batch);
    t.simulated = cost_.points_simulated() > points;
  }
  t.t_ns = t.upload_ns + ops_ns + t.return_ns + backend_.iteration_overhead_ns();
  return t;
}

}  // namespace maia
