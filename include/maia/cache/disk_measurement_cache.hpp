#pragma once
// The measurement cache as a directory shared by any number of processes (sweep workers, MPI
// ranks, regression cases): one file per entry, named by the XXH3-128 of its description
// (entries/<2 hex>/<32 hex>.entry). Writes go to a temporary file in the same folder, renamed
// over the entry, so a reader sees a whole entry or none. A corrupt entry (checksum) is counted,
// removed and re-measured. When the entries exceed the size limit, the least recently used are
// evicted as the process closes the cache. Lookup counts are added to counts.json under a file
// lock as the process closes it, so `maia-sim cache stats` shows them for all runs so far.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "maia/cache/measurement_cache.hpp"

namespace maia {

struct CacheCounts {
  std::uint64_t hits = 0, misses = 0, corrupt = 0, stores = 0, evicted = 0;
  CacheCounts& operator+=(const CacheCounts& o);
};

class DiskMeasurementCache final : public MeasurementCache {
 public:
  // Opens `dir`, creating it. When it cannot be written: one warning through the logger, and
  // the cache holds nothing (every find misses, store does nothing).
  DiskMeasurementCache(std::filesystem::path dir, std::uint64_t max_bytes);
  ~DiskMeasurementCache() override;  // evicts beyond max_bytes, adds counts() to counts.json
  DiskMeasurementCache(const DiskMeasurementCache&) = delete;
  DiskMeasurementCache& operator=(const DiskMeasurementCache&) = delete;

  std::optional<std::vector<OpMeasurement>> find(const std::string& description) override;
  void store(const std::string& description, const std::vector<OpMeasurement>& value) override;

  bool usable() const { return usable_; }
  const CacheCounts& counts() const { return counts_; }  // this process's lookups
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void disable(const std::string& why);
  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  bool usable_ = true;
  CacheCounts counts_;
};

// Whole-directory operations (maia-sim cache).
std::filesystem::path cache_entry_path(const std::filesystem::path& dir,
                                       const std::string& description);
// Every entry file, sorted by name.
std::vector<std::filesystem::path> cache_entry_files(const std::filesystem::path& dir);
// Counts of every run so far (zeros when none was recorded).
CacheCounts read_cache_counts(const std::filesystem::path& dir);
void add_cache_counts(const std::filesystem::path& dir, const CacheCounts& counts);
// Removes every entry and the counts; returns the entries removed.
std::uint64_t clear_cache(const std::filesystem::path& dir);
// Evicts the least recently used entries until at most max_bytes remain; returns how many.
std::uint64_t trim_cache(const std::filesystem::path& dir, std::uint64_t max_bytes);

}  // namespace maia
