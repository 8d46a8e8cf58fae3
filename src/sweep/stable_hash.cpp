#include "maia/sweep/stable_hash.hpp"

#include <fstream>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

void StableHash::mix(std::string_view bytes) {
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  for (const unsigned char c : bytes) {
    a_ = (a_ ^ c) * kPrime;
    b_ = (b_ ^ static_cast<unsigned char>(c ^ 0x5a)) * kPrime;
  }
}

StableHash& StableHash::add(std::string_view bytes) {
  mix(fmt::format("{}:", bytes.size()));
  mix(bytes);
  return *this;
}

std::string StableHash::hex() const { return fmt::format("{:016x}{:016x}", a_, b_); }

std::string hash_file_contents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  StableHash h;
  std::string buf(1 << 16, '\0');
  std::string all;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    all.append(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  h.add(all);
  return h.hex();
}

}  // namespace maia
