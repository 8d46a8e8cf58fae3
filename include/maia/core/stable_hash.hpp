#pragma once
// A stable 128-bit content hash (XXH3-128, libxxhash) for sweep point identities, input
// fingerprints and measurement cache keys: the same bytes give the same hex on every machine and
// build, with no dependence on addresses or container order.
#include <memory>
#include <string>
#include <string_view>

struct XXH3_state_s;

namespace maia {

class StableHash {
 public:
  StableHash();
  ~StableHash();
  StableHash(const StableHash&) = delete;
  StableHash& operator=(const StableHash&) = delete;

  // Adds a field as its decimal length, ':' and its bytes, so that ("ab","c") and ("a","bc")
  // differ: the hash of add("abc") is XXH3-128 of the 5 bytes "3:abc".
  StableHash& add(std::string_view bytes);
  // 32 hex digits, high 64 bits first (as xxh128sum prints them).
  std::string hex() const;

  // Releases a libxxhash streaming state.
  struct FreeState {
    void operator()(XXH3_state_s* s) const;
  };

 private:
  std::unique_ptr<XXH3_state_s, FreeState> state_;
};

// XXH3-128 of a file's contents (hex, the same digits as `xxh128sum FILE`), read in blocks;
// InputError naming the file when it cannot be read.
std::string hash_file_contents(const std::string& file);

}  // namespace maia
