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
#include "maia/kernels/kernel_placement.hpp"
#include "maia/program/program.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/operator.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {

struct LoweredOp {
  Program program;
  std::vector<PrefetchCopy> prefetch;  // weight loads left to the previous operator
};

// Lowers one operator to a program on `chip`, its tensors placed by `place`; with
// `prefetched_steps` > 0 a GEMM assumes its first weight panels were prefetched.
LoweredOp lower_operator(const ChipConfig& chip, const Operator& op, const KernelPlacement& place,
                         int prefetched_steps, bool weights_resident);
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
  bool prefetched = false;        // its first weight panels were loaded during the previous op
  bool prefetches_next = false;   // its program also loaded the next operator's first weights
  bool weights_resident = false;  // its weights were read from CSRAM, not HBM
};

struct IterationResult;

// Weight prefetch (opt-in): while an operator runs, its program also loads the first K steps'
// weight panels of the next operator when that is a GEMM and both fit in half of CSRAM
// (consecutive operators alternate CSRAM halves and HBM regions); the next GEMM then starts with
// them resident. Operators are separate phases, so the prefetch lengthens the current operator
// until it lands: it pays only where that operator leaves HBM idle (docs/inference.md).
// Memoisation keys include the prefetch role, so reuse stays exact per role.
class OpExecutor {
 public:
  OpExecutor(ChipSession& session, const ChipConfig& chip, bool memoize = true,
             bool prefetch = false);
  // One operator on its own (no prefetch either way).
  OpMeasurement run(const Operator& op);
  // The operators of a graph one after another, with weight prefetch between them.
  IterationResult run_graph(const OperatorGraph& graph);
  // Keep GEMM weights in CSRAM instead of streaming them from HBM (when the model fits: see
  // weights_fit_sram); a GEMM whose share does not fit its cluster's CSRAM still streams.
  void set_weights_resident(bool on) { weights_resident_ = on; }
  std::uint64_t simulated() const { return simulated_; }
  std::uint64_t reused() const { return reused_; }

 private:
  OpMeasurement run_placed(const Operator& op, const Operator* next, bool prefetched_in,
                           int parity);
  bool can_prefetch(const Operator& op, bool prefetched_in, const Operator& next);
  KernelPlacement half(int parity) const;

  ChipSession& session_;
  ChipConfig chip_;
  bool memoize_;
  bool prefetch_;
  bool weights_resident_ = false;
  std::map<std::string, bool> resident_fits_;
  std::map<std::string, OpMeasurement> memo_;
  std::map<std::string, bool> prefetch_fits_;
  std::uint64_t simulated_ = 0, reused_ = 0;
};

// Whether a model's weights (bytes) can stay in the chip's CSRAM: at most half of it, the other
// half left for staging.
bool weights_fit_sram(const ChipConfig& chip, std::uint64_t weight_bytes);

struct IterationResult {
  double time_ns = 0;
  std::vector<OpMeasurement> ops;
};

// Runs the graph's operators one after another (each waits for the previous to finish, except
// for the prefetched weights): exec.run_graph(graph).
IterationResult run_iteration(OpExecutor& exec, const OperatorGraph& graph);

}  // namespace maia
