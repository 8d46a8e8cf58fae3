#pragma once
// A GPU behind the backend interface: each operator of a graph is lowered to GPU kernels
// (maia/kernels/gpu/gpu_lowering.hpp) and run on one GpuChip, kernel after kernel, each preceded
// by its launch gap (graph_launch_gap_ns when the iteration replays a captured CUDA graph,
// launch_gap_ns otherwise). Each operator is measured from a canonical state (HBM rows closed,
// L2 clean), so equal signatures reuse the first measurement exactly. GPUs stream weights from
// HBM: there is no weights-on-chip mode.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/config/gpu_config.hpp"
#include "maia/core/time.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class GpuChip;

class GpuBackend final : public Backend {
 public:
  // The chip is elaborated at the first simulation.
  GpuBackend(const GpuConfig& cfg, const BackendOptions& options);
  ~GpuBackend() override;

  const std::string& chip_name() const override { return cfg_.name; }
  std::uint64_t memory_capacity_bytes() const override;
  bool weights_fit_on_chip(std::uint64_t) const override { return false; }
  // The NVLink switch domain (nvlink.domain_gpus).
  std::int64_t tensor_parallel_limit() const override { return cfg_.nvlink.domain_gpus; }
  // The serving engine's CPU time per iteration (kernel.iteration_overhead_us, calibrated).
  double iteration_overhead_ns() const override { return cfg_.kernel.iteration_overhead_us * 1e3; }
  // src/backend/gpu_figures.cpp
  std::vector<ChipFigure> figures() const override;
  EnergyCoefficients energy_coefficients() const override;
  const CostConfig& cost_config() const override { return cfg_.cost; }
  IterationResult run_graph(const OperatorGraph& graph) override;
  double host_transfer_ns(std::uint64_t bytes, bool to_device) override;
  void set_weights_resident(bool) override {}
  void set_collective_timer(const CollectiveTimer* timer) override { timer_ = timer; }
  void set_timeline(Timeline* timeline) override { timeline_ = timeline; }
  Timeline* timeline() const override { return timeline_; }
  std::uint64_t operators_simulated() const override { return simulated_; }
  std::uint64_t operators_reused() const override { return reused_; }

  // One operator on its own (memoised like run_graph's).
  OpMeasurement run_operator(const Operator& op);
  // Every module's statistics so far (empty before the first simulation).
  std::vector<StatGroup> module_stats() const;

 private:
  // One kernel of a measured operator, from the operator's start, for timelines.
  struct KernelSpan {
    std::string name;
    Picos start = 0, end = 0;
  };
  struct Measured {
    OpMeasurement m;
    std::vector<KernelSpan> kernels;
  };
  GpuChip& chip();
  Measured simulate(const Operator& op);
  const Measured& measure(const Operator& op, bool& reused);
  void draw(const Measured& measured, const OpMeasurement& m);

  GpuConfig cfg_;
  BackendOptions options_;
  Timeline* timeline_ = nullptr;
  const CollectiveTimer* timer_ = nullptr;
  std::unique_ptr<GpuChip> chip_;
  std::map<std::string, Measured> memo_;
  Measured last_;  // the latest simulation when memoisation is off
  std::uint64_t simulated_ = 0, reused_ = 0;
};

}  // namespace maia
