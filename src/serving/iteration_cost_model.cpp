#include "maia/serving/iteration_cost_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "maia/core/log.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {
namespace {

constexpr std::int64_t kExactBelow = 16;
// Beyond this many cached tokens an iteration's time is affine in the context: attention reads
// every cached key once per query block, and the attention kernel's KV partitions no longer grow
// with the context (src/kernels/attention_kernel.cpp). Longer contexts are extrapolated from the
// grid points at half and all of it instead of simulated.
constexpr double kAffineContext = 16384;

// f(context), extrapolated linearly beyond kAffineContext.
template <typename F>
IterationCost affine_beyond(double context, F f) {
  if (context <= kAffineContext) return f(context);
  const IterationCost hi = f(kAffineContext), lo = f(kAffineContext / 2);
  // kAffineContext / 2 is a power of two: multiplying by its inverse is exact.
  return hi + (hi - lo) * (context - kAffineContext) * (1 / (kAffineContext / 2));
}

IterationCost lerp(double x, double x0, double x1, const IterationCost& y0,
                   const IterationCost& y1) {
  return x1 == x0 ? y0 : y0 + (y1 - y0) * ((x - x0) / (x1 - x0));
}

}  // namespace

std::pair<std::int64_t, std::int64_t> cost_grid_bracket(double x, int points_per_octave) {
  const auto xi = static_cast<std::int64_t>(std::floor(std::max(0.0, x)));
  std::int64_t step = 1;
  if (xi >= kExactBelow) {
    const auto octave = static_cast<std::int64_t>(std::bit_floor(static_cast<std::uint64_t>(xi)));
    step = std::max<std::int64_t>(1, octave / std::max(1, points_per_octave));
  }
  const std::int64_t lo = xi / step * step;
  return {lo, static_cast<double>(lo) == x ? lo : lo + step};
}

IterationCostModel::IterationCostModel(Backend& backend, const ModelConfig& model,
                                       const Quantization& quant, int points_per_octave,
                                       std::int64_t decode_tokens)
    : backend_(backend),
      model_(model),
      quant_(quant),
      per_octave_(points_per_octave),
      decode_tokens_(std::max<std::int64_t>(1, decode_tokens)) {}

IterationCost IterationCostModel::measure(const std::vector<Sequence>& batch) {
  ++points_;
  const IterationResult r = backend_.run_graph(build_iteration_graph(model_, quant_, batch));
  return {r.time_ns, r.activity()};
}

IterationCost IterationCostModel::fixed(bool samples) {
  std::optional<IterationCost>& f = samples ? fixed_ : fixed_silent_;
  if (!f) f = measure({Sequence{0, 1, samples}});
  return *f;
}

IterationCost IterationCostModel::interpolate(Memo& memo, double x, double y, bool decode) {
  const auto [x0, x1] = cost_grid_bracket(x, per_octave_);
  const auto [y0, y1] = cost_grid_bracket(y, per_octave_);
  const auto at = [&](std::int64_t a, std::int64_t b) {
    auto it = memo.find({a, b});
    if (it == memo.end()) {
      // decode: a sequences of one new token after b cached; chunk: b new after a cached.
      const IterationCost t =
          decode ? measure(std::vector<Sequence>(static_cast<std::size_t>(a),
                                                 Sequence{b, decode_tokens_, true}))
                 : measure({Sequence{a, b, true}}) - fixed(true);
      it = memo.emplace(std::make_pair(a, b), t).first;
      if (decode)
        logger().debug(
            "cost model: grid point simulated: {} decodes after {} cached tokens: {:.3f} us", a, b,
            t.ns / 1e3);
      else
        logger().debug(
            "cost model: grid point simulated: chunk of {} tokens after {} cached: {:.3f} us", b, a,
            t.ns / 1e3);
    }
    return it->second;
  };
  const auto along_y = [&](std::int64_t a) {
    return y1 == y0
               ? at(a, y0)
               : lerp(y, static_cast<double>(y0), static_cast<double>(y1), at(a, y0), at(a, y1));
  };
  if (x1 == x0) return along_y(x0);
  return lerp(x, static_cast<double>(x0), static_cast<double>(x1), along_y(x0), along_y(x1));
}

IterationCost IterationCostModel::decode(double sequences, double context) {
  if (sequences <= 0) return fixed(true);
  return affine_beyond(context, [&](double c) { return interpolate(decode_, sequences, c, true); });
}

IterationCost IterationCostModel::chunk(double cached, double tokens) {
  if (tokens <= 0) return {};
  return affine_beyond(cached, [&](double c) { return interpolate(chunk_, c, tokens, false); });
}

IterationCost IterationCostModel::cost(const std::vector<Sequence>& batch) {
  std::int64_t decodes = 0;
  double decode_context = 0;
  IterationCost chunks;
  bool samples = false;
  for (const auto& s : batch) {
    samples = samples || s.emits_token();
    if (s.new_tokens >= 1 && s.new_tokens <= decode_tokens_) {
      ++decodes;
      decode_context += static_cast<double>(s.cached_tokens);
    } else if (s.new_tokens > 1) {
      chunks += chunk(static_cast<double>(s.cached_tokens), static_cast<double>(s.new_tokens));
    }
  }
  const double n = static_cast<double>(decodes);
  // Without decodes the fixed cost includes the LM head only when some chunk samples.
  return (decodes > 0 ? decode(n, decode_context / n) : fixed(samples)) + chunks;
}

}  // namespace maia
