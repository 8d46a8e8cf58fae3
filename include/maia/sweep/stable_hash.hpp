#pragma once
// A stable 128-bit content hash (two FNV-1a 64 lanes with different offsets) for sweep point
// identities and input fingerprints: the same bytes give the same hex on every machine and
// build, with no dependence on addresses or container order.
#include <cstdint>
#include <string>
#include <string_view>

namespace maia {

class StableHash {
 public:
  // Adds a length-prefixed field, so that ("ab","c") and ("a","bc") differ.
  StableHash& add(std::string_view bytes);
  // 32 hex digits.
  std::string hex() const;

 private:
  void mix(std::string_view bytes);
  std::uint64_t a_ = 0xcbf29ce484222325ULL;
  std::uint64_t b_ = 0x84222325cbf29ce4ULL;
};

// Hash of a file's contents (hex); InputError naming the file when it cannot be read.
std::string hash_file_contents(const std::string& file);

}  // namespace maia
