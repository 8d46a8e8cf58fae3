#include "maia/serving/synthetic_trace.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/length_table.hpp"
#include "maia/serving/portable_random.hpp"

namespace maia {

namespace {

// Throws for a value not among `choices`, suggesting the nearest.
void check_choice(const std::string& key, const std::string& value,
                  const std::vector<std::string>& choices) {
  for (const auto& c : choices)
    if (value == c) return;
  const std::string near = nearest_match(value, choices);
  throw InputError(fmt::format("synthetic trace: {}: must be one of {}, got \"{}\"{}", key,
                               fmt::join(choices, ", "), value,
                               near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
}

void check_positive(const std::string& key, double value) {
  if (!(value > 0) || !std::isfinite(value))
    throw InputError(
        fmt::format("synthetic trace: {}: must be a finite number > 0, got {}", key, value));
}

void check_range(const std::string& what, std::int64_t lo, std::int64_t hi) {
  if (lo < 1 || hi < lo)
    throw InputError(
        fmt::format("synthetic trace: {}_min, {}_max: must satisfy 1 <= min <= max, got {} and {}",
                    what, what, lo, hi));
}

void validate(const SyntheticSpec& s, std::int64_t max_requests, double duration_s) {
  check_choice("arrival", s.arrival, {"poisson", "gamma", "burst"});
  if (s.arrival == "burst") {
    if (max_requests <= 0)
      throw InputError(
          "synthetic trace: arrival \"burst\": needs max_requests (all of them arrive at once)");
  } else {
    check_positive("rate", s.rate);
  }
  if (s.arrival == "gamma") check_positive("gamma_shape", s.gamma_shape);
  check_choice("lengths", s.lengths, {"fixed", "uniform", "table"});
  if (s.lengths == "fixed") {
    if (s.input_tokens < 1 || s.output_tokens < 1)
      throw InputError(
          fmt::format("synthetic trace: input_tokens, output_tokens: must be >= 1, got {} and {}",
                      s.input_tokens, s.output_tokens));
  } else if (s.lengths == "uniform") {
    check_range("input", s.input_min, s.input_max);
    check_range("output", s.output_min, s.output_max);
  } else if (s.length_table.empty()) {
    throw InputError("synthetic trace: length_table: a CSV file is required by lengths \"table\"");
  }
  if (max_requests <= 0 && duration_s <= 0)
    throw InputError(
        "synthetic trace: needs max_requests or duration_s (a generator is otherwise endless)");
}

}  // namespace

std::vector<Request> generate_synthetic_trace(const SyntheticSpec& spec, std::int64_t max_requests,
                                              double duration_s, double time_scale) {
  validate(spec, max_requests, duration_s);
  std::vector<LengthSample> table;
  if (spec.lengths == "table") table = read_length_table_file(spec.length_table);

  // Inter-arrival gaps have mean 1/rate; for gamma, shape k and scale 1/(k rate).
  const double gamma_scale = 1.0 / (spec.gamma_shape * spec.rate);
  PortableRandom rng(spec.seed);
  std::vector<Request> out;
  double t = 0.0;  // the first request arrives at 0
  for (std::uint64_t i = 0;
       max_requests <= 0 || out.size() < static_cast<std::size_t>(max_requests); ++i) {
    if (i > 0 && spec.arrival != "burst") {
      t += spec.arrival == "gamma" ? rng.gamma(spec.gamma_shape, gamma_scale)
                                   : rng.exponential(spec.rate);
    }
    if (duration_s > 0 && !(t / time_scale < duration_s)) break;
    Request r;
    r.id = i;
    r.arrival_s = t;
    if (spec.lengths == "fixed") {
      r.input_tokens = spec.input_tokens;
      r.output_tokens = spec.output_tokens;
    } else if (spec.lengths == "uniform") {
      r.input_tokens = rng.uniform_int(spec.input_min, spec.input_max);
      r.output_tokens = rng.uniform_int(spec.output_min, spec.output_max);
    } else {
      const auto& row = table[static_cast<std::size_t>(
          rng.uniform_int(0, static_cast<std::int64_t>(table.size()) - 1))];
      r.input_tokens = row.input_tokens;
      r.output_tokens = row.output_tokens;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace maia
