#pragma once
// The measurement cache options that every measuring command shares (run, ops, sweep, regress,
// versus, validate, calibrate): --cache DIR, --no-cache, --cache-max-mb N. Commands that run
// maia-sim children (sweep workers and MPI shards, regression cases, validation rows) pass the
// choice on through the environment (MAIA_SIM_CACHE, MAIA_SIM_CACHE_MAX_MB), which a child's
// own flags override.
#include <cstdint>
#include <memory>
#include <string>

#include "cli.hpp"
#include "maia/cache/disk_measurement_cache.hpp"

namespace maia::cli {

struct CacheOptions {
  std::string dir;           // --cache
  bool off = false;          // --no-cache
  std::int64_t max_mb = -1;  // --cache-max-mb (-1: not given)
};

inline constexpr std::int64_t kDefaultCacheMaxMb = 4096;

void add_cache_options(po::options_description& desc, CacheOptions& o);
// The folder the options name: --cache, else $MAIA_SIM_CACHE, else $XDG_CACHE_HOME/maia-sim,
// else $HOME/.cache/maia-sim; empty when the cache is off (--no-cache, MAIA_SIM_CACHE=off, or
// no home to put it in).
std::string cache_dir(const CacheOptions& o);
std::uint64_t cache_max_bytes(const CacheOptions& o);
// Opens the cache the options choose (nullptr when off) and exports the choice for children.
std::unique_ptr<DiskMeasurementCache> open_cache(const CacheOptions& o);
// Exports the choice for child processes only (commands that measure nothing themselves).
void export_cache_choice(const CacheOptions& o);

}  // namespace maia::cli
