#pragma once
// The compiler's back end: lowers each operator of a graph to a per-tile dataflow program
// (maia/kernels: GEMM, attention, vector) and runs it as a phase of a ChipSession, so an
// operator's time is what its program took on the chip model. Operators with equal signatures
// (identical layers) reuse the first measurement unless memoisation is off; reuse is exact up to
// the resource state (open HBM rows, refresh phase) that one phase leaves for the next.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/compiler/measurement_request.hpp"
#include "maia/compiler/operator_window.hpp"
#include "maia/config/chip_config.hpp"
#include "maia/kernels/gemm_kernel.hpp"
#include "maia/kernels/kernel_placement.hpp"
#include "maia/program/program.hpp"
#include "maia/report/op_measurement.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/system/collective_timer.hpp"
#include "maia/workload/operator.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {

class MeasurementCache;

struct LoweredOp {
  Program program;
  std::vector<PrefetchCopy> prefetch;  // weight loads left to the previous operator
  std::vector<int> weight_buffers;     // HBM buffers holding weights (GEMM: B)
  GemmPlan gemm_plan;                  // GEMMs: the blocking chosen
};

// Lowers one operator to a program on `chip`, its tensors placed by `place`; with
// `prefetched_steps` > 0 a GEMM assumes its first weight panels were prefetched.
LoweredOp lower_operator(const ChipConfig& chip, const Operator& op, const KernelPlacement& place,
                         int prefetched_steps, bool weights_resident);
Program lower_operator(const ChipConfig& chip, const Operator& op);

// Overlap (default): consecutive operators of a layer share one phase (maia/compiler/
// operator_window.hpp) when their programs fit side by side: each gets its own TSRAM, CSRAM and
// HBM window (GEMMs share what the others leave, keeping their blocking), and together they
// stay within the tiles' and clusters' semaphores. The next operator's weight loads then stream
// while the current one computes; its activation loads wait for its producers' results through
// the data gate. Each window is measured whole, split before every GEMM that follows an
// operator waiting for an in-window producer, and one phase per operator, and the fastest is
// kept (overlap can lose: the next GEMM's weight stream slows the small operators it waits for).
// Memoisation keys are the window's signatures, so reuse stays exact.
//
// Weight prefetch (opt-in, with overlap off): while an operator runs, its program also loads the
// first K steps' weight panels of the next operator when that is a GEMM and both fit in half of
// CSRAM (consecutive operators alternate CSRAM halves and HBM regions); the next GEMM then starts
// with them resident. Operators are separate phases, so the prefetch lengthens the current operator
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
  // Collectives the chip has no program for (a group beyond its tray peers, an all-to-all) are
  // timed by `timer` from now on (nullptr: they are refused, as without a system).
  void set_collective_timer(const CollectiveTimer* timer) { timer_ = timer; }
  // Run consecutive operators overlapped (on by default); off: one phase per operator.
  void set_overlap(bool on) { overlap_ = on; }
  bool overlap() const { return overlap_; }
  // Keep simulated operators and windows in `cache` across processes, and look there before
  // simulating (nullptr: none; not used with memoisation off or while drawing a timeline).
  // Results are the same either way: a cached measurement is the simulation's (the key is
  // describe_measurement's description, everything that can change it).
  void set_measurement_cache(MeasurementCache* cache) { cache_ = cache; }
  // Simulates `request` now, without memoisation or cache (maia-sim cache verify).
  std::vector<OpMeasurement> measure(const MeasurementRequest& request);
  std::uint64_t simulated() const { return simulated_; }
  // The end of the window that starts at `begin`: the most following operators of the same
  // layer that fit with it (begin + 1 when none does; a vector operator starts no window).
  std::size_t window_end(const OperatorGraph& graph, std::size_t begin);
  // The operators [begin, end) lowered, placed in their own SRAM and HBM windows and merged
  // with data gates; throws InputError when they do not fit together.
  MergedWindow plan_window(const OperatorGraph& graph, std::size_t begin, std::size_t end) const;
  std::uint64_t reused() const { return reused_; }

 private:
  OpMeasurement run_placed(const Operator& op, const Operator* next, bool prefetched_in,
                           int parity);
  bool can_prefetch(const Operator& op, bool prefetched_in, const Operator& next);
  KernelPlacement half(int parity) const;
  std::vector<OpMeasurement> run_window(const OperatorGraph& graph, std::size_t begin,
                                        std::size_t end);
  // The window [begin, end) scheduled the fastest measured way (see the class comment).
  std::vector<OpMeasurement> run_overlapped(const OperatorGraph& graph, std::size_t begin,
                                            std::size_t end);
  // The end of the part of [begin, end) that starts at `begin` and stops before a GEMM that
  // follows an operator waiting for an in-window producer (begin + 1 when begin is no GEMM).
  static std::size_t gated_split_end(const OperatorGraph& graph, std::size_t begin,
                                     std::size_t end);
  void add_roofline(const Operator& op, OpMeasurement& m) const;
  // The cache's measurements for `request` (nothing when it has none or is not in use).
  std::optional<std::vector<OpMeasurement>> cached(const MeasurementRequest& request,
                                                   std::string& description);

  ChipSession& session_;
  ChipConfig chip_;
  bool memoize_;
  bool prefetch_;
  bool weights_resident_ = false;
  bool overlap_ = true;
  const CollectiveTimer* timer_ = nullptr;
  MeasurementCache* cache_ = nullptr;
  nlohmann::ordered_json chip_json_;  // the cache key's config part, computed once
  std::map<std::string, bool> window_fits_;
  std::map<std::string, std::vector<OpMeasurement>> window_memo_;
  std::map<std::string, std::vector<OpMeasurement>> schedule_memo_;
  std::map<std::string, bool> resident_fits_;
  std::map<std::string, OpMeasurement> memo_;
  std::map<std::string, bool> prefetch_fits_;
  std::uint64_t simulated_ = 0, reused_ = 0;
};

// Whether a model's weights (bytes) can stay in the chip's CSRAM: at most half of it, the other
// half left for staging.
bool weights_fit_sram(const ChipConfig& chip, std::uint64_t weight_bytes);

// Runs the graph's operators one after another (each waits for the previous to finish, except
// for the prefetched weights): exec.run_graph(graph).
IterationResult run_iteration(OpExecutor& exec, const OperatorGraph& graph);

}  // namespace maia
