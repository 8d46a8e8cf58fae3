#pragma once
// The compiler's back end: lowers each operator of a graph to a per-tile dataflow program
// (maia/kernels: GEMM, attention, vector) and runs it as a phase of a ChipSession, so an
// operator's time is what its program took on the chip model. Operators with equal signatures
// (identical layers) reuse the first measurement unless memoisation is off; reuse is exact up to
// the resource state (open HBM rows, refresh phase) that one phase leaves for the next.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/program/program.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/operator.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {

// Lowers one operator to a program on `chip`.
Program lower_operator(const ChipConfig& chip, const Operator& op);

struct OpMeasurement {
  std::string name;
  int layer = -1;
  std::string kind;  // gemm, attention, vector
  std::string signature;
  double time_ns = 0;      // simulated
  double flops = 0;        // from the operator's cost
  double hbm_bytes = 0;    // measured on the model (read + write)
  double sram_bytes = 0;   // measured CSRAM + TSRAM traffic
  double compute_ns = 0;   // flops at the engine's peak
  double memory_ns = 0;    // the operator's HBM bytes at peak HBM bandwidth
  double roofline_ns = 0;  // max(compute_ns, memory_ns): no result may beat it
  // The resource busiest relative to its peak: compute (TTU), vector (TVP), hbm or sram.
  std::string bound;
  double bound_utilisation = 0;  // that resource's busy fraction during the operator
  bool reused = false;
};

class OpExecutor {
 public:
  OpExecutor(ChipSession& session, const ChipConfig& chip, bool memoize = true);
  OpMeasurement run(const Operator& op);
  std::uint64_t simulated() const { return simulated_; }
  std::uint64_t reused() const { return reused_; }

 private:
  ChipSession& session_;
  ChipConfig chip_;
  bool memoize_;
  std::map<std::string, OpMeasurement> memo_;
  std::uint64_t simulated_ = 0, reused_ = 0;
};

struct IterationResult {
  double time_ns = 0;
  std::vector<OpMeasurement> ops;
};

// Runs the graph's operators one after another (each waits for the previous to finish).
IterationResult run_iteration(OpExecutor& exec, const OperatorGraph& graph);

}  // namespace maia
