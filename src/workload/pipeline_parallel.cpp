#include "maia/workload/pipeline_parallel.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

void apply_pipeline_parallel(ModelConfig& m, std::int64_t pp, const char* option) {
  if (pp < 1) throw InputError(fmt::format("{}: must be >= 1, got {}", option, pp));
  if (pp > m.num_layers)
    throw InputError(fmt::format(
        "{} {}: {} has {} layers (num_hidden_layers); a pipeline stage needs at least one", option,
        pp, m.name, m.num_layers));
  m.pipeline_parallel = pp;
  m.pipeline_stage = 0;
}

ModelConfig pipeline_stage(const ModelConfig& model, std::int64_t stage) {
  ModelConfig m = model;
  m.pipeline_stage = stage;
  return m;
}

PipelineIteration pipeline_iteration(const std::vector<double>& stage_ns, double link_ns,
                                     std::int64_t micro_batches) {
  PipelineIteration it;
  if (stage_ns.empty() || micro_batches < 1) return it;
  double sum = 0, slowest = link_ns;
  for (const double c : stage_ns) {
    sum += c;
    slowest = std::max(slowest, c);
  }
  const auto p = static_cast<double>(stage_ns.size());
  const auto m = static_cast<double>(micro_batches);
  it.time_ns = sum + (p - 1) * link_ns + (m - 1) * slowest;
  it.bubble_fraction = it.time_ns > 0 ? 1 - m * sum / (p * it.time_ns) : 0.0;
  return it;
}

}  // namespace maia
