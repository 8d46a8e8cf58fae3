// maia-sim cache stats|clear|verify [--cache DIR]: look after the measurement cache that the
// measuring commands share (docs/cache.md).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "maia/cache/disk_measurement_cache.hpp"
#include "maia/compiler/cache_verification.hpp"
#include "maia/core/error.hpp"

namespace maia::cli {

int cmd_cache(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim cache stats|clear|verify [options]\n"
      "  stats: entries, bytes and the lookups of every run so far; clear: remove every entry;\n"
      "  verify: check every entry and simulate a sample again (exit 4 when one differs)");
  std::string action;
  std::size_t sample = 8;
  CacheOptions cache;
  desc.add_options()("help,h", "this help")("action", po::value(&action), "stats, clear or verify")(
      "sample", po::value(&sample)->default_value(sample),
      "verify: entries to simulate again (of the first entry's chip config)")(
      "json", "stats, verify: print one JSON object");
  add_cache_options(desc, cache);
  po::positional_options_description pos;
  pos.add("action", 1);
  const auto vm = parse("cache", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (action != "stats" && action != "clear" && action != "verify")
    throw InputError(fmt::format(
        "maia-sim cache: the action must be stats, clear or verify, got \"{}\"", action));
  const std::string dir = cache_dir(cache);
  if (dir.empty())
    throw InputError("maia-sim cache: no cache folder (--no-cache or MAIA_SIM_CACHE=off)");
  const bool json = vm.count("json") > 0;
  if (action == "clear") {
    const std::uint64_t n = clear_cache(dir);
    fmt::print("{}: {} entries removed\n", dir, n);
    return kExitOk;
  }
  if (action == "stats") {
    std::uint64_t bytes = 0;
    const auto files = cache_entry_files(dir);
    for (const auto& f : files) {
      std::error_code ec;
      const auto b = std::filesystem::file_size(f, ec);
      if (!ec) bytes += b;
    }
    const CacheCounts c = read_cache_counts(dir);
    if (json) {
      nlohmann::ordered_json j;
      j["dir"] = dir;
      j["entries"] = files.size();
      j["bytes"] = bytes;
      j["max_bytes"] = cache_max_bytes(cache);
      j["hits"] = c.hits;
      j["misses"] = c.misses;
      j["corrupt"] = c.corrupt;
      j["stores"] = c.stores;
      j["evicted"] = c.evicted;
      std::cout << j.dump(2) << "\n";
      return kExitOk;
    }
    fmt::print("cache folder        {}\n", dir);
    fmt::print("entries             {}\n", files.size());
    fmt::print("size                {:.2f} MiB of {:.0f} MiB\n", bytes / 1048576.0,
               cache_max_bytes(cache) / 1048576.0);
    fmt::print("lookups (all runs)  {} hits, {} misses, {} corrupt entries re-measured\n", c.hits,
               c.misses, c.corrupt);
    fmt::print("stored, evicted     {}, {}\n", c.stores, c.evicted);
    return kExitOk;
  }
  const CacheVerification v = verify_cache(dir, sample);
  if (json) {
    nlohmann::ordered_json j;
    j["dir"] = dir;
    j["entries"] = v.entries;
    j["intact"] = v.intact;
    j["corrupt"] = v.corrupt_files;
    j["other_model_version"] = v.other_version;
    j["other_chip_config"] = v.other_chip;
    j["resimulated"] = v.resimulated;
    j["mismatched"] = v.mismatched_files;
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("{}: {} entries, {} intact, {} corrupt, {} of another model version\n", dir,
               v.entries, v.intact, v.corrupt, v.other_version);
    fmt::print(
        "simulated again: {} (of one chip config; {} entries of other configs not), {} "
        "differ\n",
        v.resimulated, v.other_chip, v.mismatched_files.size());
    for (const auto& f : v.corrupt_files) fmt::print("corrupt: {}\n", f);
    for (const auto& f : v.mismatched_files) fmt::print("differs: {}\n", f);
  }
  // A corrupt entry is harmless (runs ignore it); one that differs from the simulation is not.
  return v.mismatched_files.empty() ? kExitOk : kExitRegression;
}

}  // namespace maia::cli
