#pragma once
// Physical address -> HBM location. An address is split into the byte offset inside one
// interleave unit and, above it, a mixed-radix number whose digits are the location fields in
// the order of HbmConfig::address_mapping (least significant first). Radices need not be powers
// of two (6 stacks), so decoding uses div/mod; walking a contiguous range uses an incremental
// odometer instead, with no division per unit.
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

 private:
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
};

template <class Fn>
void HbmAddressMap::walk_bytes(std::uint64_t addr, std::uint64_t len, Fn&& fn) const {
  if (len == 0) return;
  HbmLocation loc = decode(addr);
  std::uint64_t offset = addr % interleave_;
  // Head: possibly partial first unit.
  std::uint64_t bytes = std::min<std::uint64_t>(len, interleave_ - offset);
  fn(static_cast<const HbmLocation&>(loc), offset, bytes);
  len -= bytes;
  // Body: whole units.
  for (; len >= interleave_; len -= interleave_) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(loc), std::uint64_t{0}, interleave_);
  }
  // Tail: partial last unit.
  if (len > 0) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(loc), std::uint64_t{0}, len);
  }
}

template <class Fn>
void HbmAddressMap::for_each_unit(std::uint64_t addr, std::uint64_t len, Fn&& fn) const {
  if (len == 0) return;
  HbmLocation loc = decode(addr);
  const std::uint64_t offset = addr % interleave_;
  // Head: possibly partial first unit.
  const std::uint64_t head = std::min<std::uint64_t>(len, interleave_ - offset);
  const auto first = static_cast<std::uint32_t>(offset / burst_);
  fn(static_cast<const HbmLocation&>(loc), first,
     static_cast<std::uint32_t>((offset + head + burst_ - 1) / burst_) - first);
  len -= head;
  // Body: whole units, no division.
  for (; len >= interleave_; len -= interleave_) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(loc), std::uint32_t{0}, bursts_per_unit_);
  }
  // Tail: partial last unit.
  if (len > 0) {
    advance(loc);
    fn(static_cast<const HbmLocation&>(loc), std::uint32_t{0},
       static_cast<std::uint32_t>((len + burst_ - 1) / burst_));
  }
}

}  // namespace maia
