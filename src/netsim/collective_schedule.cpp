#include "maia/netsim/collective_schedule.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/core/error.hpp"
#include "maia/core/nearest_match.hpp"

namespace maia {

std::uint32_t Schedule::send(std::int64_t from, std::int64_t to, std::uint64_t bytes,
                             std::vector<std::uint32_t> deps) {
  tasks.push_back({ScheduleTask::Kind::kSend, static_cast<std::int32_t>(from),
                   static_cast<std::int32_t>(to), bytes, std::move(deps), group});
  return static_cast<std::uint32_t>(tasks.size() - 1);
}

std::uint32_t Schedule::reduce(std::int64_t rank, std::uint64_t bytes,
                               std::vector<std::uint32_t> deps) {
  tasks.push_back({ScheduleTask::Kind::kReduce, static_cast<std::int32_t>(rank),
                   static_cast<std::int32_t>(rank), bytes, std::move(deps), group});
  return static_cast<std::uint32_t>(tasks.size() - 1);
}

std::uint64_t Schedule::sent_bytes() const {
  std::uint64_t b = 0;
  for (const auto& t : tasks)
    if (t.kind == ScheduleTask::Kind::kSend) b += t.bytes;
  return b;
}

const ScheduleBuilder& find_schedule_builder(const std::string& name, const std::string& where) {
  // The registered builders: a new one is a new file and one line here.
  static const auto builders = [] {
    std::vector<std::unique_ptr<ScheduleBuilder>> b;
    b.push_back(make_ring_schedule());
    b.push_back(make_direct_schedule());
    b.push_back(make_hierarchical_schedule());
    b.push_back(make_tree_schedule());
    return b;
  }();
  std::vector<std::string> names;
  for (const auto& b : builders) {
    if (b->name() == name) return *b;
    names.emplace_back(b->name());
  }
  const std::string hint = nearest_match(name, names);
  throw InputError(fmt::format("{}: no message schedule for algorithm \"{}\", known: {}{}", where,
                               name, fmt::format("{}", fmt::join(names, ", ")),
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace maia
