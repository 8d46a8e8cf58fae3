#pragma once
// How long one replica's iteration takes: the prompt upload and token return over the host
// interface plus the iteration's operators (the IterationCostModel, or the whole graph with
// --exact), as the one-chip serving loop prices it (serving_run.cpp). One timer serves every
// replica: the chips are identical, so a measurement made for one holds for all.
#include <cstdint>

#include "maia/backend/backend.hpp"
#include "maia/serving/host_io.hpp"
#include "maia/serving/iteration_cost_model.hpp"
#include "maia/serving/scheduler/iteration_plan.hpp"
#include "maia/serving/serving_run.hpp"

namespace maia {

struct IterationTime {
  double t_ns = 0;  // in all
  double upload_ns = 0, return_ns = 0;
  std::uint64_t upload_bytes = 0, return_bytes = 0;
  bool simulated = false;  // a new measurement was made for it
};

class IterationTimer {
 public:
  IterationTimer(Backend& backend, const ModelConfig& model, const Quantization& quant,
                 const ServingOptions& options);
  // `upload_tokens`: prompt tokens whose ids go to the device now.
  IterationTime time(const IterationPlan& plan, std::uint64_t upload_tokens);

  std::int64_t cost_points_simulated() const { return cost_.points_simulated(); }
  std::int64_t host_transfers_simulated() const { return host_.transfers_simulated(); }
  // The first iteration of each kind, run whole (ops.csv).
  IterationResult prefill_sample, decode_sample;

 private:
  Backend& backend_;
  const ModelConfig& model_;
  Quantization quant_;
  bool exact_;
  IterationCostModel cost_;
  HostIo host_;
};

}  // namespace maia
