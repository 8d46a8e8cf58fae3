#include "maia/sweep/sweep_manifest.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/stable_hash.hpp"
#include "maia/sweep/sweep_results.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

std::string manifest_file(const std::string& out_dir) {
  return (fs::path(out_dir) / "sweep.json").string();
}

}  // namespace

std::string sweep_spec_hash(const SweepSpec& spec) {
  // nlohmann::json keeps keys sorted: the dump is canonical.
  return StableHash()
      .add("maia-sim sweep spec v1")
      .add(JsonReader::parse_file(spec.file).dump())
      .hex();
}

void check_sweep_owner(const std::string& out_dir, const SweepSpec& spec, bool take_over) {
  const std::string file = manifest_file(out_dir);
  if (take_over || !fs::exists(file)) return;
  nlohmann::json m;
  try {
    std::ifstream in(file);
    m = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    m = nlohmann::json::object();
  }
  const auto text = [&](const char* key) {
    return m.is_object() && m.contains(key) && m[key].is_string() ? m[key].get<std::string>()
                                                                  : std::string();
  };
  const std::string mine = sweep_spec_hash(spec);
  if (text("spec_hash") == mine) return;
  const std::string theirs =
      text("spec_hash").empty()
          ? fmt::format("a sweep whose spec is not recorded ({} has no spec_hash)", file)
          : fmt::format("sweep '{}' of {} (spec hash {})", text("name"), text("spec"),
                        text("spec_hash").substr(0, 12));
  throw InputError(fmt::format(
      "maia-sim sweep: --out {} holds the results of {}, not of this spec: sweep '{}' of {} "
      "(spec hash {}). Give another --out, or add --force to let this spec take the folder over "
      "(points whose inputs are unchanged are reused; the other spec's rows leave the tables)",
      out_dir, theirs, spec.name, fs::absolute(spec.file).string(), mine.substr(0, 12)));
}

void write_sweep_manifest(const std::string& out_dir, const SweepSpec& spec,
                          const SweepPointSpace& space) {
  nlohmann::ordered_json head;
  head["spec"] = fs::absolute(spec.file).string();
  head["name"] = spec.name;
  head["spec_hash"] = sweep_spec_hash(spec);
  head["points"] = space.size();
  // The ids are written as text one by one: a million of them never sit in a JSON tree.
  std::string text = head.dump(1);
  text.pop_back();  // the closing brace
  while (!text.empty() && text.back() == '\n') text.pop_back();
  text += ",\n \"ids\": [";
  // Two points with one id would share a folder and overwrite each other's results: the ids
  // (48-bit hashes of distinct coordinates) are checked for a collision on the way.
  std::vector<std::pair<std::uint64_t, std::int64_t>> seen;  // id, index
  seen.reserve(static_cast<std::size_t>(space.size()));
  for (std::int64_t i = 0; i < space.size(); ++i) {
    const std::string id = space.id(i);
    text += fmt::format("{}\n  \"{}\"", i ? "," : "", id);
    seen.emplace_back(std::stoull(id, nullptr, 16), i);
  }
  std::sort(seen.begin(), seen.end());
  for (std::size_t k = 1; k < seen.size(); ++k)
    if (seen[k].first == seen[k - 1].first)
      throw InputError(
          fmt::format("{}: points {} and {} have the same id {:012x} (a hash collision of their "
                      "coordinates): change one value of an axis slightly",
                      spec.file, seen[k - 1].second, seen[k].second, seen[k].first));
  text += "\n ]\n}\n";
  write_file_atomic(manifest_file(out_dir), text);
}

}  // namespace maia
