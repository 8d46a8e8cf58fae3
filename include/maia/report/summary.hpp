#pragma once
// The result files of an inference run (docs/outputs.md): DIR/summary.json (latency
// distributions over requests, throughput, per-phase breakdown, simulation cost) and DIR/ops.csv
// (one row per operator of the representative iterations). Built from per-request metrics, so a
// static batch and a serving run report the same way.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maia/core/dtype.hpp"
#include "maia/report/energy_model.hpp"
#include "maia/report/memory_footprint.hpp"
#include "maia/report/op_measurement.hpp"
#include "maia/report/stats.hpp"

namespace maia {

// One completed request. TTFT: arrival to first token; e2e: arrival to last token.
struct RequestMetrics {
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;
  double ttft_ns = 0;
  double e2e_ns = 0;
  // Mean time per output token after the first: (e2e - ttft) / (output_tokens - 1); 0 for a
  // request with one output token.
  double tpot_ns() const;
};

// Iterations of one kind (prefill, decode) and the time they took.
struct PhaseBreakdown {
  std::string name;
  std::int64_t iterations = 0;
  std::int64_t simulated_iterations = 0;  // the rest were interpolated
  std::int64_t tokens = 0;                // tokens processed (prompt tokens, or decode tokens)
  double time_ns = 0;                     // summed over its iterations
  Activity activity;                      // one chip's events over its iterations
};

// How a run's tokens are priced (summary.json "cost"): a rental price per chip-hour, or the total
// cost of ownership (capital amortised over the lifetime plus the energy the run used).
struct CostInputs {
  std::optional<double> price_per_hour;  // USD per chip-hour; set: rental pricing
  double capital_usd = 0, lifetime_years = 0, energy_usd_per_kwh = 0, pue = 1;
};

// The operator measurements of one representative iteration, labelled for ops.csv.
struct OpPhase {
  std::string phase;
  std::vector<OpMeasurement> ops;
};

// The datatypes a run used, by role (summary.json "quantization").
struct RunDtypes {
  DType weights = DType::kBf16;
  DType activations = DType::kBf16;
  DType kv_cache = DType::kBf16;
  std::optional<DType> experts =
      std::nullopt;  // MoE experts when they differ from weights' setting (gpt-oss)
};

struct RunSummary {
  std::string model, chip;
  RunDtypes dtypes;
  Json workload = Json::object();  // echo of the run's parameters (mode, batch, lengths, ...)
  std::int64_t submitted = 0, rejected = 0;
  std::vector<RequestMetrics> requests;  // the completed ones
  double simulated_ns = 0;               // simulated time from the first arrival to the last token
  double wall_s = 0;                     // host time the simulation took (not deterministic)
  std::vector<PhaseBreakdown> phases;
  std::uint64_t ops_simulated = 0, ops_reused = 0;
  bool memoize = true;
  MemoryFootprint memory;
  std::uint64_t hbm_capacity_bytes = 0;
  std::vector<OpPhase> op_phases;
  // Chips of the tensor-parallel group serving the run: latency and throughput are the group's
  // (every chip runs the same per-chip graph), memory and op figures one chip's.
  std::int64_t tensor_parallel = 1;
  // Expert-parallel groups (each tensor_parallel chips), pipeline stages and data-parallel
  // replicas of the whole group: the run uses chips = the product of the four, and
  // throughput per chip divides by that.
  std::int64_t expert_parallel = 1, data_parallel = 1, pipeline_parallel = 1;
  // summary.json's "system" block (the system, its topology, the fidelity, the collectives per
  // kind); null: left out (a run without a system).
  Json system;
  // Set: summary.json gets the "energy" block, priced from the phases' activity with these
  // coefficients (one chip's energy; the run's is chips() times it), and the "cost" block.
  std::optional<EnergyCoefficients> energy;
  std::optional<CostInputs> cost;
  std::int64_t chips() const {
    return std::max<std::int64_t>(tensor_parallel, 1) * std::max<std::int64_t>(expert_parallel, 1) *
           std::max<std::int64_t>(pipeline_parallel, 1) * std::max<std::int64_t>(data_parallel, 1);
  }
};

// summary.json as an ordered object (keys in a fixed order; only simulation.wall_s varies
// between identical runs).
Json summary_json(const RunSummary& s);

// One operator's measurement with the derived figures of ops.csv (achieved TFLOP/s and GB/s,
// fraction of roofline), times in microseconds; with `energy`, also the operator's energy (uJ,
// idle power over its time included) and average power.
Json op_measurement_json(const OpMeasurement& m, const EnergyCoefficients* energy = nullptr);

// ops.csv: header and one row per operator of each phase, in order (energy columns with
// `energy`).
void write_ops_csv(const std::vector<OpPhase>& phases, const std::string& file,
                   const EnergyCoefficients* energy = nullptr);

// Creates `dir` if needed and writes dir/summary.json and dir/ops.csv; InputError naming the
// path when it cannot.
void write_run_outputs(const RunSummary& s, const std::string& dir);

}  // namespace maia
