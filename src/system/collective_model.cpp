#include "maia/system/collective_model.hpp"

#include <limits>

#include <fmt/format.h>

#include "algorithms.hpp"
#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"

namespace maia {

const std::vector<std::unique_ptr<CollectiveAlgorithm>>& collective_algorithms() {
  static const auto algorithms = [] {
    std::vector<std::unique_ptr<CollectiveAlgorithm>> a;
    a.push_back(make_ring_algorithm());
    a.push_back(make_direct_algorithm());
    a.push_back(make_hierarchical_algorithm());
    a.push_back(make_tree_algorithm());
    return a;
  }();
  return algorithms;
}

std::string collective_algorithm_names_text() {
  std::string s;
  for (const auto& a : collective_algorithms())
    s += (s.empty() ? "" : ", ") + std::string(a->name());
  return s;
}

const CollectiveAlgorithm& find_collective_algorithm(const std::string& name,
                                                     const std::string& where) {
  std::vector<std::string> names = {"auto"};
  for (const auto& a : collective_algorithms()) {
    if (a->name() == name) return *a;
    names.emplace_back(a->name());
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: unknown collective algorithm \"{}\", known: auto, {}{}", where,
                               name, collective_algorithm_names_text(),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

double reduce_gbytes_per_s(const AnyChipConfig& chip, DType dtype) {
  const double bytes_per_element = dtype_bits(dtype) / 8.0;
  if (const auto* c = std::get_if<ChipConfig>(&chip)) {
    const double lanes = static_cast<double>(
        dtype_is_narrow_for_tvp(dtype) ? c->tile.tvp.lanes_16bit : c->tile.tvp.lanes_fp32);
    return static_cast<double>(c->enabled_tiles()) * lanes * c->clock_ghz * bytes_per_element;
  }
  const auto& g = std::get<GpuConfig>(chip);
  return static_cast<double>(g.sm.count * g.sm.fp32_lanes) * g.clock_ghz * bytes_per_element;
}

CollectiveEstimate estimate_collective(const Topology& topology, const AnyChipConfig& chip,
                                       CollectiveOp op, std::int64_t ranks, double bytes,
                                       DType dtype, const std::string& algorithm) {
  if (ranks < 2)
    throw InputError(fmt::format("ranks: a collective needs at least 2 chips, got {}", ranks));
  CollectiveQuery q;
  q.op = op;
  q.ranks = ranks;
  q.bytes = bytes;
  q.topology = &topology;
  q.tiers = topology.tiers(ranks, "collective");
  q.reduce_gbytes_per_s = reduce_gbytes_per_s(chip, dtype);

  CollectiveEstimate e;
  const CollectiveAlgorithm* chosen = nullptr;
  double best_bandwidth_ns = std::numeric_limits<double>::infinity();
  if (algorithm == "auto") {
    // The fastest prediction wins; ties go to the first registered (deterministic).
    e.time_ns = std::numeric_limits<double>::infinity();
    for (const auto& a : collective_algorithms()) {
      if (!a->unsupported(q).empty()) continue;
      const double t = a->time_ns(q);
      if (t < e.time_ns) {
        e.time_ns = t;
        chosen = a.get();
      }
    }
  } else {
    chosen = &find_collective_algorithm(algorithm, "algorithm");
    const std::string why = chosen->unsupported(q);
    if (!why.empty())
      throw InputError(fmt::format("algorithm: {} cannot run {} on {} ranks of {}: {}", algorithm,
                                   collective_op_name(op), ranks, topology.name(), why));
    e.time_ns = chosen->time_ns(q);
  }
  // The bound: the best bandwidth limit of any algorithm the model knows (latency zero, phases
  // ideally overlapped), so no algorithm's busbw can exceed it.
  for (const auto& a : collective_algorithms())
    if (a->unsupported(q).empty())
      best_bandwidth_ns = std::min(best_bandwidth_ns, a->bandwidth_time_ns(q));
  e.algorithm = std::string(chosen->name());
  e.pipeline_chunks = chosen->pipeline_chunks(q);
  const double factor = busbw_factor(op, ranks);
  e.algbw_gbps = bytes / e.time_ns;  // bytes per ns = GB/s
  e.busbw_gbps = e.algbw_gbps * factor;
  e.bound_gbps = bytes / best_bandwidth_ns * factor;
  return e;
}

}  // namespace maia
