#pragma once
// Maia's chip behind the backend interface: operator graphs lowered to dataflow programs and run
// by the compiler's OpExecutor on one ChipSession; host transfers as host.dma programs on the
// same session (one time base).
#include <memory>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/compiler/op_executor.hpp"
#include "maia/sim/program_run.hpp"

namespace maia {

class MaiaBackend final : public Backend {
 public:
  // Owns its session and executor, built at the first simulation (SystemC elaborates then).
  MaiaBackend(const ChipConfig& cfg, const BackendOptions& options);
  // Runs on a session and an executor the caller keeps (a process elaborates one chip: tests
  // share one session between several backends).
  MaiaBackend(ChipSession& session, OpExecutor& exec);

  const std::string& chip_name() const override { return cfg_.name; }
  std::uint64_t memory_capacity_bytes() const override;
  bool weights_fit_on_chip(std::uint64_t weight_bytes) const override;
  std::int64_t tensor_parallel_limit() const override;
  // None: the on-die control processor starts each iteration's programs as soon as the host's
  // token upload (simulated by host_transfer_ns) has arrived.
  double iteration_overhead_ns() const override { return 0; }
  // src/backend/maia_figures.cpp
  std::vector<ChipFigure> figures() const override;
  EnergyCoefficients energy_coefficients() const override;
  const CostConfig& cost_config() const override { return cfg_.cost; }
  IterationResult run_graph(const OperatorGraph& graph) override;
  double host_transfer_ns(std::uint64_t bytes, bool to_device) override;
  void set_weights_resident(bool on) override;
  void set_collective_timer(const CollectiveTimer* timer) override;
  void set_timeline(Timeline* timeline) override;
  Timeline* timeline() const override;
  std::uint64_t operators_simulated() const override;
  std::uint64_t operators_reused() const override;

 private:
  ChipSession& session();
  OpExecutor& executor();

  ChipConfig cfg_;
  BackendOptions options_;
  bool weights_resident_ = false;
  const CollectiveTimer* timer_ = nullptr;
  Timeline* timeline_ = nullptr;
  std::unique_ptr<ChipSession> own_session_;
  std::unique_ptr<OpExecutor> own_exec_;
  ChipSession* session_ = nullptr;
  OpExecutor* exec_ = nullptr;
};

}  // namespace maia
