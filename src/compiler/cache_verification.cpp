#include "maia/compiler/cache_verification.hpp"

#include <unistd.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "maia/cache/disk_measurement_cache.hpp"
#include "maia/cache/measurement_codec.hpp"
#include "maia/compiler/measurement_request.hpp"
#include "maia/compiler/op_executor.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/core/log.hpp"
#include "maia/core/model_version.hpp"
#include "maia/sim/program_run.hpp"

namespace maia {
namespace fs = std::filesystem;
namespace {

struct Intact {
  fs::path file;
  CacheEntry entry;
  DescribedMeasurement described;
};

std::string read_whole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

// The config a description names, loaded as any config file is (knob table, rules).
ChipConfig load_described_chip(const nlohmann::json& chip) {
  const fs::path file =
      fs::temp_directory_path() / fmt::format("maia-sim-verify-chip-{}.json", ::getpid());
  {
    std::ofstream out(file);
    out << chip.dump();
  }
  try {
    ChipConfig c = load_chip_config(file.string());
    fs::remove(file);
    return c;
  } catch (...) {
    std::error_code ec;
    fs::remove(file, ec);
    throw;
  }
}

}  // namespace

CacheVerification verify_cache(const fs::path& dir, std::size_t sample) {
  CacheVerification v;
  std::vector<Intact> candidates;
  std::optional<nlohmann::json> chip;
  for (const fs::path& p : cache_entry_files(dir)) {
    ++v.entries;
    auto e = decode_cache_entry(read_whole(p));
    std::optional<DescribedMeasurement> d;
    if (e) {
      try {
        d = parse_measurement_description(e->description, p.string());
      } catch (const InputError& err) {
        logger().warn("cache verify: {}", err.what());
      }
    }
    if (!d || cache_entry_path(dir, e->description) != p) {
      ++v.corrupt;
      v.corrupt_files.push_back(p.string());
      continue;
    }
    ++v.intact;
    if (d->model_version != kModelVersion) {
      ++v.other_version;
      continue;
    }
    if (!chip) chip = d->chip;
    if (d->chip != *chip) {
      ++v.other_chip;
      continue;
    }
    candidates.push_back({p, std::move(*e), std::move(*d)});
  }
  if (candidates.empty() || sample == 0) return v;
  const ChipConfig cfg = load_described_chip(*chip);
  ChipSession session(cfg);
  OpExecutor exec(session, cfg);
  const std::size_t n = std::min(sample, candidates.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Intact& c = candidates[i * candidates.size() / n];
    const std::vector<OpMeasurement> again = exec.measure(c.described.request);
    ++v.resimulated;
    if (again != c.entry.measurements) {
      v.mismatched_files.push_back(c.file.string());
      logger().warn("cache verify: {} differs from a new simulation of its request",
                    c.file.string());
    }
  }
  return v;
}

}  // namespace maia
