#pragma once
// What timing one operator, or one iteration's operator graph, produces on any chip kind: the
// simulated time, the work, the roofline bounds and what bound it. Backends fill these
// (maia/backend/backend.hpp); reports (summary.json, ops.csv, timelines) and regressions read
// them, knowing nothing of the executor behind.
#include <string>
#include <vector>

#include "maia/report/activity.hpp"

namespace maia {

struct OpMeasurement {
  std::string name;
  int layer = -1;
  std::string kind;  // gemm, attention, vector, collective
  std::string signature;
  double time_ns = 0;        // simulated
  double flops = 0;          // from the operator's cost
  double hbm_bytes = 0;      // measured on the model (read + write)
  double sram_bytes = 0;     // measured CSRAM + TSRAM traffic
  double compute_ns = 0;     // flops at the engine's peak
  double memory_ns = 0;      // the operator's HBM bytes at peak HBM bandwidth
  double network_ns = 0;     // collectives: bytes to each peer at its port group's bandwidth
  double roofline_ns = 0;    // max(compute_ns, memory_ns, network_ns): no result may beat it
  double network_bytes = 0;  // measured NIC tx bytes (collectives)
  int network_ports = 0;     // tray ports its collective uses (for the network bound)
  // The resource busiest relative to its peak: compute (TTU), vector (TVP), hbm, sram or network.
  std::string bound;
  double bound_utilisation = 0;  // that resource's busy fraction during the operator
  bool reused = false;
  bool prefetched = false;        // its first weight panels were loaded during the previous op
  bool prefetches_next = false;   // its program also loaded the next operator's first weights
  bool weights_resident = false;  // its weights were read from CSRAM, not HBM
  // Overlap (operators sharing a phase): time_ns is the operator's share of its phase, from the
  // previous operator's finish to its own (so the shares sum to the phase); start and finish are
  // its first instruction's start and last instruction's end from the phase's start.
  double start_ns = 0, finish_ns = 0;
  double overlap_ns = 0;  // how long it ran while earlier operators of its phase still ran
  int window = 1;         // operators in its phase (1: it ran alone)
  // Collectives timed by a system's collective timer (maia/system/collective_timer.hpp) instead
  // of a program on the chip: the timer's fidelity ("analytical"), the algorithm it used and the
  // outermost tier the group crosses; empty for a collective the chip ran as its own program.
  std::string fidelity, algorithm, tier;
  std::string collective;  // collectives: "all_reduce", "all_gather" or "all_to_all"
  // The events the operator caused (the energy model's input); a reused measurement carries
  // them again, so each run of the operator counts.
  Activity activity;
  // A new field must also be added to the measurement cache's codec (src/cache/
  // measurement_codec.cpp), which refuses to compile until it is.
  bool operator==(const OpMeasurement&) const = default;
};

struct IterationResult {
  double time_ns = 0;
  std::vector<OpMeasurement> ops;
  bool operator==(const IterationResult&) const = default;
  // The operators' activity summed.
  Activity activity() const;
};

}  // namespace maia
