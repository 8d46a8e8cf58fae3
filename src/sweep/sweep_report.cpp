#include "maia/sweep/sweep_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"

namespace maia {
namespace {

using OJson = nlohmann::ordered_json;

bool usable(const OJson& row, const std::string& column) {
  return row.value("status", "") == "ok" && row.contains(column) && row[column].is_number();
}

bool better(regress::Direction d, double x, double y) {
  return d == regress::Direction::kHigherIsBetter ? x > y : x < y;
}

}  // namespace

Objective parse_objective(const std::string& text) {
  for (const auto& [prefix, dir] : {std::pair{"max:", regress::Direction::kHigherIsBetter},
                                    std::pair{"min:", regress::Direction::kLowerIsBetter}})
    if (text.rfind(prefix, 0) == 0 && text.size() > 4) return {text.substr(4), dir, text};
  if (const MetricInfo* m = find_metric(text)) {
    if (m->direction == regress::Direction::kNeutral)
      throw InputError(
          fmt::format("--pareto: '{}' is neither better high nor low; give it as max:{} or min:{}",
                      text, text, text));
    return {m->name, m->direction, text};
  }
  const std::string hint = nearest_match(text, key_metric_names());
  throw InputError(fmt::format(
      "--pareto: '{}' is not a key metric{}; name one (docs/sweeps.md) or give any numeric "
      "column as max:NAME or min:NAME",
      text, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

std::vector<BestPoint> best_per_metric(const std::vector<OJson>& rows) {
  std::vector<BestPoint> out;
  for (const auto& m : key_metrics()) {
    if (m.direction == regress::Direction::kNeutral) continue;
    const OJson* best = nullptr;
    for (const auto& r : rows)
      if (usable(r, m.name) &&
          (!best || better(m.direction, r[m.name].get<double>(), (*best)[m.name].get<double>())))
        best = &r;
    if (best) out.push_back({m.name, m.direction, *best});
  }
  return out;
}

std::vector<OJson> pareto_front(const std::vector<OJson>& rows, const Objective& a,
                                const Objective& b) {
  std::vector<const OJson*> ok;
  for (const auto& r : rows)
    if (usable(r, a.column) && usable(r, b.column)) ok.push_back(&r);
  const auto va = [&](const OJson* r) { return (*r)[a.column].get<double>(); };
  const auto vb = [&](const OJson* r) { return (*r)[b.column].get<double>(); };
  // Best a first, ties by best b: a row is on the front when its b beats every row before it
  // (or equals the best b with the same a: an identical trade-off).
  std::stable_sort(ok.begin(), ok.end(), [&](const OJson* x, const OJson* y) {
    if (va(x) != va(y)) return better(a.direction, va(x), va(y));
    return better(b.direction, vb(x), vb(y));
  });
  std::vector<OJson> front;
  const OJson* leader = nullptr;  // the row holding the best b so far
  for (const OJson* r : ok) {
    if (!leader || better(b.direction, vb(r), vb(leader))) {
      front.push_back(*r);
      leader = r;
    } else if (vb(r) == vb(leader) && va(r) == va(leader)) {
      front.push_back(*r);
    }
  }
  return front;
}

}  // namespace maia
