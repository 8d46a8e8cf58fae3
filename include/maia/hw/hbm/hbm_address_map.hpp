#pragma once
// Physical address -> HBM location. An address is split into the byte offset inside one
// interleave unit and, above it, a mixed-radix number whose digits are the location fields in
// the order of HbmConfig::address_mapping (least significant first). Radices need not be powers
// of two (6 stacks), so decoding uses div/mod; walking a contiguous range uses an incremental
// odometer instead, with no division per unit.
//
// Bank and channel hashing (hbm.address_hash "xor", as real controllers do): the digits of
// stack, channel, pseudo-channel, bank group and bank are XORed (for a radix that is not a power
// of two: shifted modulo the radix) with bits of a hash of the unit's row and SID. For one row
// and SID that is a permutation of those fields, so the map stays a bijection, the columns of one
// row stay in one bank (row locality is kept) and a sequential stream still spreads evenly; but
// two ranges a multiple of the map's period apart (K and V caches, same offsets in different
// rows) no longer land in the same banks. "none": the plain mixed-radix map.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"

namespace maia {

// Where one interleave unit lives. `column` is the column group: which interleave unit of the
// row (row_bytes / interleave_bytes of them).
struct HbmLocation {
  std::uint32_t stack = 0;
  std::uint32_t channel = 0;
  std::uint32_t pseudo_channel = 0;
  std::uint32_t sid = 0;
  std::uint32_t bank_group = 0;
  std::uint32_t bank = 0;
  std::uint32_t column = 0;
  std::uint32_t row = 0;

  bool operator==(const HbmLocation&) const = default;
};

enum class HbmField { kStack, kChannel, kPseudoChannel, kSid, kBankGroup, kBank, kColumn, kRow };
inline constexpr int kHbmFieldCount = 8;

enum class HbmAddressHash { kNone, kXor };

class HbmAddressMap {
 public:
  // Validates the geometry and the mapping string; throws InputError on a bad value.
  explicit HbmAddressMap(const HbmConfig& cfg);

  std::uint64_t capacity_bytes() const { return capacity_; }
  std::uint64_t interleave_bytes() const { return interleave_; }
  std::uint64_t burst_bytes() const { return burst_; }
  std::uint32_t bursts_per_unit() const { return bursts_per_unit_; }
  std::uint32_t radix(HbmField f) const { return radix_by_field_[static_cast<int>(f)]; }
  // Field at mapping position `i` (0 = least significant).
  HbmField field_at(int i) const { return order_[i]; }
  static const char* field_name(HbmField f);
  static std::uint32_t HbmLocation::*field_member(HbmField f);

  // Location of the unit holding `addr`; addresses >= capacity wrap around.
  HbmLocation decode(std::uint64_t addr) const;
  // Inverse of decode: first byte of the unit at `loc` plus `offset`.
  std::uint64_t encode(const HbmLocation& loc, std::uint64_t offset = 0) const;

  // Calls fn(loc, offset_in_unit, bytes) for each unit overlapped by [addr, addr + len), in
  // address order. The range wraps at capacity.
  template <class Fn>
  void walk_bytes(std::uint64_t addr, std::uint64_t len, Fn&& fn) const;

  // Calls fn(const HbmLocation&, first_burst_in_unit, bursts) for each unit overlapped by
  // [addr, addr + len); partial units at the edges round out to whole bursts.
  template <class Fn>
  void for_each_unit(std::uint64_t addr, std::uint64_t len, Fn&& fn) const;

  // Bytes of [addr, addr + len) held by each stack.
  std::vector<std::uint64_t> bytes_per_stack(std::uint64_t addr, std::uint64_t len) const;

  HbmAddressHash hash() const { return hash_; }

 private:
  // The permutation of one (row, SID): the value mixed into stack, channel, pseudo-channel,
  // bank group and bank.
  struct Permutation {
    std::uint32_t row = ~0u, sid = ~0u;  // whose it is (~0: none yet)
    std::array<std::uint32_t, 5> mix{};
  };
  Permutation permutation(std::uint32_t row, std::uint32_t sid) const;
  // Applies (or undoes) permutation `p` to loc's hashed fields.
  void permute(HbmLocation& loc, const Permutation& p, bool undo) const;
  // The location of the unpermuted digits `raw` after hashing, `p` caching the permutation of
  // the last (row, SID) seen (raw itself without hashing).
  HbmLocation hashed(const HbmLocation& raw, Permutation& p) const {
    if (hash_ == HbmAddressHash::kNone) return raw;
    if (raw.row != p.row || raw.sid != p.sid) p = permutation(raw.row, raw.sid);
    HbmLocation loc = raw;
    permute(loc, p, false);
    return loc;
  }
  // The raw odometer position of `addr`.
  HbmLocation decode_raw(std::uint64_t addr) const;
  // Bytes per stack of [addr, addr + len) by walking its units.
  std::vector<std::uint64_t> walk_stacks(std::uint64_t addr, std::uint64_t len) const;

  // Odometer step to the next unit in address order.
  void advance(HbmLocation& loc) const {
    for (int i = 0; i < kHbmFieldCount; ++i) {
      std::uint32_t& digit = loc.*members_[i];
      if (++digit < radix_[i]) return;
      digit = 0;
    }
  }

  std::uint64_t interleave_ = 0;
  std::uint64_t burst_ = 0;
  std::uint32_t bursts_per_unit_ = 0;
  std::uint64_t capacity_ = 0;
  std::array<HbmField, kHbmFieldCount> order_{};
  std::array<std::uint32_t, kHbmFieldCount> radix_{};  // by mapping position
  std::array<std::uint32_t, kHbmFieldCount> radix_by_field_{};
  std::array<std::uint32_t HbmLocation::*, kHbmFieldCount> members_{};  // by mapping position
  HbmAddressHash hash_ = HbmAddressHash::kNone;
  // With hashing, whether row and SID sit above the stack digit (then an aligned cycle of the
  // stack digit has one permutation and bytes_per_stack keeps its closed form).
  bool stack_cycle_hash_invariant_ = true;
};

template <class Fn>
void HbmAddressMap::walk_bytes(std::uint64_t addr, std::uint64_t len, Fn&& fn) const {
  if (len == 0) return;
  HbmLocation loc = decode_raw(addr);
  Permutation perm;
  std::uint64_t offset = addr % interleave_;
  // Head: possibly partial first unit.
  std::uint64_t bytes = std::min<std::uint64_t>(len, interleave_ - offset);
  fn(static_cast<const HbmLocation&>(hashed(loc, perm)), offset, bytes);
  len -= bytes;
  // Body: whole units.
  for (; len >= interleave_; len -= interleave_) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(hashed(loc, perm)), std::uint64_t{0}, interleave_);
  }
  // Tail: partial last unit.
  if (len > 0) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(hashed(loc, perm)), std::uint64_t{0}, len);
  }
}

template <class Fn>
void HbmAddressMap::for_each_unit(std::uint64_t addr, std::uint64_t len, Fn&& fn) const {
  if (len == 0) return;
  HbmLocation loc = decode_raw(addr);
  Permutation perm;
  const std::uint64_t offset = addr % interleave_;
  // Head: possibly partial first unit.
  const std::uint64_t head = std::min<std::uint64_t>(len, interleave_ - offset);
  const auto first = static_cast<std::uint32_t>(offset / burst_);
  fn(static_cast<const HbmLocation&>(hashed(loc, perm)), first,
     static_cast<std::uint32_t>((offset + head + burst_ - 1) / burst_) - first);
  len -= head;
  // Body: whole units, no division.
  for (; len >= interleave_; len -= interleave_) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(hashed(loc, perm)), std::uint32_t{0}, bursts_per_unit_);
  }
  // Tail: partial last unit.
  if (len > 0) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(hashed(loc, perm)), std::uint32_t{0},
       static_cast<std::uint32_t>((len + burst_ - 1) / burst_));
  }
}

}  // namespace maia
