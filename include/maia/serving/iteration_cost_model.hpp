#pragma once
// The time of a serving iteration interpolated from whole-iteration measurements, so a long
// trace needs few chip simulations (docs/serving.md, "Iteration cost model"):
//
//   t(batch) = decode(n, mean context of the n decodes) + sum over prefill chunks of chunk(c, q)
//
// decode(n, c): the whole operator graph of n one-token sequences, each after c cached tokens,
// all sampling (for n = 0: one such sequence after 0 tokens, the iteration's fixed cost,
// sampling only if some chunk samples); chunk(c, q): the graph of one sampling chunk of q new
// tokens after c cached ones, less that fixed cost. Every measurement is a whole graph run on the
// serving run's backend (the same simulation, operator overlap and memoisation as an exact
// iteration), at grid points: every integer below 16, then 8 per octave of each argument; values in
// between are interpolated bilinearly. Beyond 16,384 cached tokens both parts are extrapolated
// linearly in the context (attention work is affine in it there), so long prompts cost no more
// simulation than 16k ones. The iteration's activity (the energy model's event counts) is
// interpolated the same way as its time: both are linear in the measurements.
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/workload/batch.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {

// Grid points around x >= 0: x itself below 16, else the multiples of 2^floor(log2 x) / p
// (p points per octave) just below and above x. lo <= x <= hi, lo == hi only on a grid point.
std::pair<std::int64_t, std::int64_t> cost_grid_bracket(double x, int points_per_octave);

// An iteration's time and the events its operators caused; a linear quantity (sums, differences
// and scalings of measurements).
struct IterationCost {
  double ns = 0;
  Activity activity;
  IterationCost& operator+=(const IterationCost& o) {
    ns += o.ns;
    activity += o.activity;
    return *this;
  }
  friend IterationCost operator+(IterationCost a, const IterationCost& b) { return a += b; }
  friend IterationCost operator-(IterationCost a, const IterationCost& b) { return a += b * -1.0; }
  friend IterationCost operator*(const IterationCost& a, double f) {
    return {a.ns * f, a.activity.scaled(f)};
  }
};

class IterationCostModel {
 public:
  // decode_tokens: the new tokens of one decode. 1, or K + 1 for speculative verification
  // (the last emitted token and K drafts): then decode(n, c) is measured with K + 1 new tokens
  // per sequence, and every sequence of at most K + 1 new tokens is priced as one of those
  // decodes (a verification with fewer drafts, or a short prefill chunk, at the full width).
  IterationCostModel(Backend& backend, const ModelConfig& model, const Quantization& quant,
                     int points_per_octave = 8, std::int64_t decode_tokens = 1);

  // The iteration's estimated time (ns) and activity. Grid points not yet measured are
  // simulated now.
  IterationCost cost(const std::vector<Sequence>& batch);
  double time_ns(const std::vector<Sequence>& batch) { return cost(batch).ns; }

  // Grid points simulated so far (one whole iteration each).
  std::int64_t points_simulated() const { return points_; }

  // The parts (ns), exposed for tests.
  double decode_ns(double sequences, double context) { return decode(sequences, context).ns; }
  double chunk_ns(double cached, double tokens) { return chunk(cached, tokens).ns; }
  // One sequence of one token after none: the iteration's fixed cost, with or without sampling.
  double fixed_ns(bool samples) { return fixed(samples).ns; }

 private:
  using Memo = std::map<std::pair<std::int64_t, std::int64_t>, IterationCost>;
  IterationCost decode(double sequences, double context);
  IterationCost chunk(double cached, double tokens);
  IterationCost fixed(bool samples);
  IterationCost measure(const std::vector<Sequence>& batch);
  IterationCost interpolate(Memo& memo, double x, double y, bool decode);

  Backend& backend_;
  ModelConfig model_;
  Quantization quant_;
  int per_octave_;
  std::int64_t decode_tokens_;
  std::int64_t points_ = 0;
  std::optional<IterationCost> fixed_, fixed_silent_;
  Memo decode_, chunk_;
};

}  // namespace maia
