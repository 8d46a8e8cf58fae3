#pragma once
// maia-sim cache verify: every entry of a measurement cache folder is read and checked (whole,
// checksum, decodable), and a sample of them is simulated again from its description and
// compared field by field with what the entry holds. SystemC elaborates one chip per process,
// so the sample is drawn from the entries of one chip config (the first entry's); entries of
// other configs are checked but not re-simulated (run verify again after clearing, or per
// config folder).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace maia {

struct CacheVerification {
  std::uint64_t entries = 0;
  std::uint64_t intact = 0;         // whole, checksum right, decodable
  std::uint64_t corrupt = 0;        // would be ignored and re-measured by a run
  std::uint64_t other_version = 0;  // measured by another model version: never used
  std::uint64_t other_chip = 0;     // intact, of another chip config than the sample's
  std::uint64_t resimulated = 0;
  std::vector<std::string> corrupt_files, mismatched_files;
};

// Re-simulates up to `sample` entries, spread evenly over the sampled config's entries.
CacheVerification verify_cache(const std::filesystem::path& dir, std::size_t sample);

}  // namespace maia
