#include "maia/core/stable_hash.hpp"

#include <xxhash.h>

#include <fstream>
#include <new>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {
namespace {

XXH3_state_t* new_state() {
  XXH3_state_t* s = XXH3_createState();
  if (s == nullptr || XXH3_128bits_reset(s) != XXH_OK) throw std::bad_alloc();
  return s;
}

void update(XXH3_state_t* s, const void* data, std::size_t size) {
  if (XXH3_128bits_update(s, data, size) != XXH_OK) throw std::bad_alloc();
}

std::string digest_hex(const XXH3_state_t* s) {
  const XXH128_hash_t h = XXH3_128bits_digest(s);
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

}  // namespace

void StableHash::FreeState::operator()(XXH3_state_s* s) const { XXH3_freeState(s); }

StableHash::StableHash() : state_(new_state()) {}
StableHash::~StableHash() = default;

StableHash& StableHash::add(std::string_view bytes) {
  const std::string prefix = fmt::format("{}:", bytes.size());
  update(state_.get(), prefix.data(), prefix.size());
  update(state_.get(), bytes.data(), bytes.size());
  return *this;
}

std::string StableHash::hex() const { return digest_hex(state_.get()); }

std::string hash_file_contents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  const std::unique_ptr<XXH3_state_t, StableHash::FreeState> state(new_state());
  std::string block(1 << 16, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    update(state.get(), block.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(fmt::format("{}: read error", file));
  return digest_hex(state.get());
}

}  // namespace maia
