#include "cache_options.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia::cli {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

void add_cache_options(po::options_description& desc, CacheOptions& o) {
  desc.add_options()("cache", po::value(&o.dir),
                     "measurement cache folder (default $XDG_CACHE_HOME/maia-sim, else "
                     "~/.cache/maia-sim; docs/cache.md)")(
      "no-cache", po::bool_switch(&o.off), "measure everything, keep nothing across runs")(
      "cache-max-mb", po::value(&o.max_mb),
      "evict the least recently used cache entries beyond this size, MiB (default 4096)");
}

std::string cache_dir(const CacheOptions& o) {
  if (o.off) return "";
  if (!o.dir.empty()) return o.dir;
  const std::string inherited = env("MAIA_SIM_CACHE");
  if (inherited == "off") return "";
  if (!inherited.empty()) return inherited;
  if (const std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) return xdg + "/maia-sim";
  if (const std::string home = env("HOME"); !home.empty()) return home + "/.cache/maia-sim";
  return "";
}

std::uint64_t cache_max_bytes(const CacheOptions& o) {
  std::int64_t mb = o.max_mb;
  if (mb == -1 && !env("MAIA_SIM_CACHE_MAX_MB").empty()) {
    try {
      mb = std::stoll(env("MAIA_SIM_CACHE_MAX_MB"));
    } catch (const std::exception&) {
      throw InputError(
          fmt::format("MAIA_SIM_CACHE_MAX_MB: not a number: \"{}\"", env("MAIA_SIM_CACHE_MAX_MB")));
    }
  }
  if (mb == -1) mb = kDefaultCacheMaxMb;
  if (mb < 1 || mb > (std::int64_t{1} << 30))
    throw InputError(fmt::format("--cache-max-mb: {} is outside 1 .. 1073741824", mb));
  return static_cast<std::uint64_t>(mb) << 20;
}

void export_cache_choice(const CacheOptions& o) {
  const std::string dir = cache_dir(o);
  ::setenv("MAIA_SIM_CACHE", dir.empty() ? "off" : dir.c_str(), 1);
  ::setenv("MAIA_SIM_CACHE_MAX_MB", std::to_string(cache_max_bytes(o) >> 20).c_str(), 1);
}

std::unique_ptr<DiskMeasurementCache> open_cache(const CacheOptions& o) {
  export_cache_choice(o);
  const std::string dir = cache_dir(o);
  if (dir.empty()) return nullptr;
  return std::make_unique<DiskMeasurementCache>(dir, cache_max_bytes(o));
}

}  // namespace maia::cli
