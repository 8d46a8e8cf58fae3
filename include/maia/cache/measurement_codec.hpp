#pragma once
// The one serialisation of cached measurements: an entry is a header line (format version, body
// size, XXH3-64 checksum of the body) and a JSON body holding the request's description and its
// measurements with every OpMeasurement field. Decoding checks all of it, so a truncated or
// corrupt entry is recognised, never half read. Adding a field to OpMeasurement means one line
// in visit_fields (measurement_codec.cpp), which refuses to compile until it is done.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maia/report/op_measurement.hpp"

namespace maia {

// Bump when the entry layout changes (old entries then read as corrupt and are re-measured).
inline constexpr int kCacheFormatVersion = 2;

struct CacheEntry {
  std::string description;
  std::vector<OpMeasurement> measurements;
  bool operator==(const CacheEntry&) const = default;
};

std::string encode_cache_entry(const CacheEntry& entry);
// Nothing when the bytes are not one whole, intact entry of this format.
std::optional<CacheEntry> decode_cache_entry(std::string_view bytes);

}  // namespace maia
