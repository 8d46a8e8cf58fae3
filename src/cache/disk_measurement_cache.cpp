#include "maia/cache/disk_measurement_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "maia/cache/measurement_codec.hpp"
#include "maia/core/log.hpp"
#include "maia/core/stable_hash.hpp"

namespace maia {
namespace fs = std::filesystem;
namespace {

constexpr const char* kEntries = "entries";
constexpr const char* kCounts = "counts.json";
constexpr const char* kSuffix = ".entry";

// Temporary file names are unique per process (pid) and per write within it (any thread).
std::atomic<std::uint64_t> temp_serial{0};

std::optional<std::string> read_whole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(s).str();
}

// Writes `bytes` to `tmp` and renames it over `target` (same folder: the rename is atomic).
bool write_atomically(const fs::path& tmp, const fs::path& target, const std::string& bytes) {
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

nlohmann::json counts_json(const CacheCounts& c) {
  return {{"hits", c.hits},
          {"misses", c.misses},
          {"corrupt", c.corrupt},
          {"stores", c.stores},
          {"evicted", c.evicted}};
}

CacheCounts parse_counts(const std::string& text) {
  CacheCounts c;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  const auto get = [&](const char* k) {
    const auto it = j.find(k);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
  };
  c.hits = get("hits");
  c.misses = get("misses");
  c.corrupt = get("corrupt");
  c.stores = get("stores");
  c.evicted = get("evicted");
  return c;
}

}  // namespace

CacheCounts& CacheCounts::operator+=(const CacheCounts& o) {
  hits += o.hits;
  misses += o.misses;
  corrupt += o.corrupt;
  stores += o.stores;
  evicted += o.evicted;
  return *this;
}

fs::path cache_entry_path(const fs::path& dir, const std::string& description) {
  StableHash h;
  h.add(description);
  const std::string hex = h.hex();
  return dir / kEntries / hex.substr(0, 2) / (hex + kSuffix);
}

std::vector<fs::path> cache_entry_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path root = dir / kEntries;
  if (!fs::is_directory(root, ec)) return out;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && it->path().extension() == kSuffix) out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

CacheCounts read_cache_counts(const fs::path& dir) {
  const auto text = read_whole(dir / kCounts);
  return text ? parse_counts(*text) : CacheCounts{};
}

void add_cache_counts(const fs::path& dir, const CacheCounts& counts) {
  // Read, add and write back under an exclusive lock, so concurrent processes add up.
  const int fd = ::open((dir / kCounts).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (::flock(fd, LOCK_EX) == 0) {
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0;)
      text.append(buf, static_cast<std::size_t>(n));
    CacheCounts total = parse_counts(text);
    total += counts;
    const std::string out = counts_json(total).dump() + "\n";
    if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, out.data(), out.size(), 0) < 0)
      logger().debug("measurement cache: could not update {}", (dir / kCounts).string());
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
}

std::uint64_t clear_cache(const fs::path& dir) {
  const std::uint64_t n = cache_entry_files(dir).size();
  std::error_code ec;
  fs::remove_all(dir / kEntries, ec);
  fs::remove(dir / kCounts, ec);
  return n;
}

std::uint64_t trim_cache(const fs::path& dir, std::uint64_t max_bytes) {
  struct File {
    fs::file_time_type used;
    fs::path path;
    std::uint64_t bytes;
  };
  std::vector<File> files;
  std::uint64_t total = 0;
  for (const fs::path& p : cache_entry_files(dir)) {
    std::error_code ec;
    const auto bytes = fs::file_size(p, ec);
    const auto used = fs::last_write_time(p, ec);
    if (ec) continue;  // removed meanwhile by another process
    files.push_back({used, p, bytes});
    total += bytes;
  }
  if (total <= max_bytes) return 0;
  // Oldest use first; down to 90% of the limit so that every store does not trim again.
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) {
    return std::tie(a.used, a.path) < std::tie(b.used, b.path);
  });
  const std::uint64_t target = max_bytes / 10 * 9;
  std::uint64_t evicted = 0;
  for (const File& f : files) {
    if (total <= target) break;
    std::error_code ec;
    if (fs::remove(f.path, ec)) ++evicted;
    total -= f.bytes;
  }
  return evicted;
}

DiskMeasurementCache::DiskMeasurementCache(fs::path dir, std::uint64_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes) {
  std::error_code ec;
  fs::create_directories(dir_ / kEntries, ec);
  if (ec) {
    disable(ec.message());
    return;
  }
  // Creating the folder can succeed where writing in it does not (read-only mounts, modes).
  const fs::path probe = dir_ / kEntries / fmt::format(".probe.{}", ::getpid());
  if (!write_atomically(probe, probe, "")) {
    disable("cannot write in it");
    return;
  }
  fs::remove(probe, ec);
}

DiskMeasurementCache::~DiskMeasurementCache() {
  if (!usable_) return;
  if (counts_.stores > 0) counts_.evicted = trim_cache(dir_, max_bytes_);
  const CacheCounts& c = counts_;
  if (c.hits + c.misses + c.corrupt + c.stores + c.evicted > 0) add_cache_counts(dir_, c);
  logger().info(
      "measurement cache {}: {} hits, {} misses, {} corrupt entries re-measured, {} stored, {} "
      "evicted",
      dir_.string(), c.hits, c.misses, c.corrupt, c.stores, c.evicted);
}

void DiskMeasurementCache::disable(const std::string& why) {
  if (!usable_) return;
  usable_ = false;
  logger().warn("measurement cache: {} is not writable ({}); running without the cache",
                dir_.string(), why);
}

std::optional<std::vector<OpMeasurement>> DiskMeasurementCache::find(
    const std::string& description) {
  if (!usable_) return std::nullopt;
  const fs::path p = cache_entry_path(dir_, description);
  const auto bytes = read_whole(p);
  if (!bytes) {
    ++counts_.misses;
    return std::nullopt;
  }
  auto entry = decode_cache_entry(*bytes);
  if (!entry) {
    ++counts_.corrupt;
    logger().warn("measurement cache: corrupt entry {} ignored and re-measured", p.string());
    std::error_code ec;
    fs::remove(p, ec);
    return std::nullopt;
  }
  if (entry->description != description) {  // a hash collision: never use another's entry
    ++counts_.misses;
    return std::nullopt;
  }
  ++counts_.hits;
  std::error_code ec;  // its last use, for eviction
  fs::last_write_time(p, fs::file_time_type::clock::now(), ec);
  return std::move(entry->measurements);
}

void DiskMeasurementCache::store(const std::string& description,
                                 const std::vector<OpMeasurement>& value) {
  if (!usable_) return;
  const fs::path p = cache_entry_path(dir_, description);
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  const fs::path tmp =
      p.parent_path() / fmt::format(".{}.{}.{}.tmp", p.stem().string(), ::getpid(), temp_serial++);
  if (!write_atomically(tmp, p, encode_cache_entry({description, value}))) {
    disable("writing an entry failed");
    return;
  }
  ++counts_.stores;
}

}  // namespace maia
