#pragma once
// Why a case moved: the per-operator breakdowns (ops.csv, docs/outputs.md) of the baseline and
// the candidate, diffed. Operators are grouped by (phase, operator role) and summed over layers;
// engines are the resource that bound each operator (its `bound` column: TTU for compute,
// TVP for vector, HBM, SRAM), so "HBM-bound time grew by 0.4 ms" reads as "the HBM got slower,
// or more operators now wait on it". Traffic totals (HBM bytes, SRAM bytes, FLOPs) show whether
// the work itself changed (a compiler change) or only its speed (a chip change).
#include <string>
#include <vector>

namespace maia::regress {

struct OpRow {
  std::string phase, name, kind, bound;
  double time_us = 0, flops = 0, hbm_bytes = 0, sram_bytes = 0;
};

// Reads an ops.csv by its header (phase, name and time_us required; kind, bound, flops,
// hbm_bytes, sram_bytes used when present). InputError names the file and line.
std::vector<OpRow> read_ops_csv(const std::string& file);

struct OpDelta {
  std::string phase, name, kind;
  std::string bound_base, bound_cand;  // the bound of the group's longest instance
  int count_base = 0, count_cand = 0;  // instances (layers)
  double base_us = 0, cand_us = 0;
  double delta_us() const { return cand_us - base_us; }
};

struct EngineDelta {
  std::string engine;  // TTU, TVP, HBM, SRAM
  std::string bound;   // the ops.csv value: compute, vector, hbm, sram
  int ops_base = 0, ops_cand = 0;
  double base_us = 0, cand_us = 0;  // time of the operators it bound
  double delta_us() const { return cand_us - base_us; }
};

struct TrafficDelta {
  std::string what;  // HBM traffic, SRAM traffic, FLOPs
  std::string unit;  // bytes, FLOP
  double base = 0, cand = 0;
};

struct Attribution {
  bool available = false;
  std::string note;  // why it is unavailable
  double base_total_us = 0, cand_total_us = 0;
  int operators_changed = 0;  // (phase, operator) groups whose time moved
  // Sum of |delta| over the groups that moved: a group's share is its |delta| / this.
  double moved_us = 0;
  std::vector<OpDelta> operators;    // the `top` that moved most, largest |delta| first
  std::vector<EngineDelta> engines;  // every engine, largest |delta| first
  std::vector<TrafficDelta> traffic;
};

Attribution attribute(const std::vector<OpRow>& base, const std::vector<OpRow>& cand, int top);
// From two ops.csv files; unavailable (with a note) when either is "" or missing.
Attribution attribute_files(const std::string& base_csv, const std::string& cand_csv, int top);

// Engine label of an ops.csv bound: compute -> TTU, vector -> TVP, hbm -> HBM, sram -> SRAM.
std::string engine_of_bound(const std::string& bound);

}  // namespace maia::regress
