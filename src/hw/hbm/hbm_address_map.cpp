#include "maia/hw/hbm/hbm_address_map.hpp"

#include <limits>
#include <sstream>

#include "maia/config/hbm_capacity.hpp"
#include "maia/core/error.hpp"
#include "maia/core/splitmix64.hpp"

namespace maia {

namespace {

// Field -> HbmLocation member, indexed by HbmField.
constexpr std::array<std::uint32_t HbmLocation::*, kHbmFieldCount> kFieldMembers = {
    &HbmLocation::stack,  &HbmLocation::channel,    &HbmLocation::pseudo_channel,
    &HbmLocation::sid,    &HbmLocation::bank_group, &HbmLocation::bank,
    &HbmLocation::column, &HbmLocation::row};

constexpr std::array<const char*, kHbmFieldCount> kFieldNames = {
    "stack", "channel", "pseudo_channel", "sid", "bank_group", "bank", "column", "row"};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::uint32_t positive_radix(std::int64_t v, const char* what) {
  if (v <= 0 || v > std::numeric_limits<std::uint32_t>::max())
    throw InputError(std::string("hbm.") + what + " must be a positive 32-bit count, got " +
                     std::to_string(v));
  return static_cast<std::uint32_t>(v);
}

}  // namespace

const char* HbmAddressMap::field_name(HbmField f) { return kFieldNames[static_cast<int>(f)]; }

std::uint32_t HbmLocation::*HbmAddressMap::field_member(HbmField f) {
  return kFieldMembers[static_cast<int>(f)];
}

HbmAddressMap::HbmAddressMap(const HbmConfig& cfg) {
  if (cfg.interleave_bytes <= 0 || cfg.burst_bytes <= 0 || cfg.row_bytes <= 0)
    throw InputError("hbm.interleave_bytes, burst_bytes and row_bytes must be positive");
  if (cfg.interleave_bytes % cfg.burst_bytes != 0)
    throw InputError("hbm.interleave_bytes (" + std::to_string(cfg.interleave_bytes) +
                     ") must be a multiple of hbm.burst_bytes (" + std::to_string(cfg.burst_bytes) +
                     ")");
  if (cfg.row_bytes % cfg.interleave_bytes != 0)
    throw InputError("hbm.row_bytes (" + std::to_string(cfg.row_bytes) +
                     ") must be a multiple of hbm.interleave_bytes (" +
                     std::to_string(cfg.interleave_bytes) + ")");
  interleave_ = static_cast<std::uint64_t>(cfg.interleave_bytes);
  burst_ = static_cast<std::uint64_t>(cfg.burst_bytes);
  bursts_per_unit_ = static_cast<std::uint32_t>(interleave_ / burst_);

  radix_by_field_ = {positive_radix(cfg.stacks, "stacks"),
                     positive_radix(cfg.channels_per_stack, "channels_per_stack"),
                     positive_radix(cfg.pseudo_channels, "pseudo_channels"),
                     positive_radix(cfg.sids, "sids"),
                     positive_radix(cfg.bank_groups, "bank_groups"),
                     positive_radix(cfg.banks_per_group, "banks_per_group"),
                     static_cast<std::uint32_t>(cfg.row_bytes / cfg.interleave_bytes),
                     positive_radix(cfg.rows_per_bank, "rows_per_bank")};

  // Parse the mapping: every field exactly once.
  std::array<bool, kHbmFieldCount> seen{};
  std::istringstream in(cfg.address_mapping);
  std::string token;
  int n = 0;
  while (std::getline(in, token, ',')) {
    token = trim(token);
    int f = 0;
    while (f < kHbmFieldCount && token != kFieldNames[f]) ++f;
    if (f == kHbmFieldCount || seen[f] || n == kHbmFieldCount)
      throw InputError("hbm.address_mapping '" + cfg.address_mapping + "': field '" + token +
                       "' is unknown or repeated; expected each of stack, channel, "
                       "pseudo_channel, sid, bank_group, bank, column, row once");
    seen[f] = true;
    order_[n++] = static_cast<HbmField>(f);
  }
  if (n != kHbmFieldCount)
    throw InputError("hbm.address_mapping '" + cfg.address_mapping +
                     "' must name all 8 fields (stack, channel, pseudo_channel, sid, "
                     "bank_group, bank, column, row)");

  for (int i = 0; i < kHbmFieldCount; ++i) {
    radix_[i] = radix_by_field_[static_cast<int>(order_[i])];
    members_[i] = field_member(order_[i]);
  }
  // interleave x every radix: the column radix is row_bytes / interleave_bytes.
  capacity_ = hbm_capacity_bytes(cfg);

  if (cfg.address_hash == "xor") {
    hash_ = HbmAddressHash::kXor;
  } else if (cfg.address_hash != "none") {
    throw InputError("hbm.address_hash must be \"none\" or \"xor\", got \"" + cfg.address_hash +
                     "\"");
  }
  int stack_pos = 0, row_pos = 0, sid_pos = 0;
  for (int i = 0; i < kHbmFieldCount; ++i) {
    if (order_[i] == HbmField::kStack) stack_pos = i;
    if (order_[i] == HbmField::kRow) row_pos = i;
    if (order_[i] == HbmField::kSid) sid_pos = i;
  }
  stack_cycle_hash_invariant_ = row_pos > stack_pos && sid_pos > stack_pos;
}

namespace {
// The fields hashed, in the order of Permutation::mix.
constexpr std::array<HbmField, 5> kHashedFields = {HbmField::kStack, HbmField::kChannel,
                                                   HbmField::kPseudoChannel, HbmField::kBankGroup,
                                                   HbmField::kBank};
}  // namespace

HbmAddressMap::Permutation HbmAddressMap::permutation(std::uint32_t row, std::uint32_t sid) const {
  Permutation p;
  p.row = row;
  p.sid = sid;
  // 64 mixed bits of (row, SID); each field takes 12 of them (radices are far below 4096).
  const std::uint64_t key = static_cast<std::uint64_t>(row) * radix(HbmField::kSid) + sid;
  std::uint64_t bits = splitmix64_mix(key);
  for (std::size_t f = 0; f < kHashedFields.size(); ++f) {
    p.mix[f] = static_cast<std::uint32_t>(bits & 0xfffu);
    bits >>= 12;
  }
  return p;
}

void HbmAddressMap::permute(HbmLocation& loc, const Permutation& p, bool undo) const {
  for (std::size_t f = 0; f < kHashedFields.size(); ++f) {
    const std::uint32_t r = radix(kHashedFields[f]);
    if (r <= 1) continue;
    std::uint32_t& digit = loc.*field_member(kHashedFields[f]);
    if ((r & (r - 1)) == 0) {
      digit ^= p.mix[f] & (r - 1);  // a power of two: XOR (its own inverse)
    } else {
      const std::uint32_t shift = p.mix[f] % r;
      digit = undo ? (digit + r - shift) % r : (digit + shift) % r;
    }
  }
}

HbmLocation HbmAddressMap::decode_raw(std::uint64_t addr) const {
  HbmLocation loc;
  std::uint64_t unit = addr / interleave_;
  for (int i = 0; i < kHbmFieldCount; ++i) {
    loc.*members_[i] = static_cast<std::uint32_t>(unit % radix_[i]);
    unit /= radix_[i];
  }
  return loc;
}

HbmLocation HbmAddressMap::decode(std::uint64_t addr) const {
  Permutation p;
  return hashed(decode_raw(addr), p);
}

std::uint64_t HbmAddressMap::encode(const HbmLocation& hashed_loc, std::uint64_t offset) const {
  HbmLocation loc = hashed_loc;
  if (hash_ != HbmAddressHash::kNone) permute(loc, permutation(loc.row, loc.sid), true);
  std::uint64_t unit = 0;
  for (int i = kHbmFieldCount - 1; i >= 0; --i) unit = unit * radix_[i] + loc.*members_[i];
  return unit * interleave_ + offset;
}

std::vector<std::uint64_t> HbmAddressMap::walk_stacks(std::uint64_t addr, std::uint64_t len) const {
  std::vector<std::uint64_t> out(radix(HbmField::kStack), 0);
  walk_bytes(addr, len, [&](const HbmLocation& loc, std::uint64_t, std::uint64_t bytes) {
    out[loc.stack] += bytes;
  });
  return out;
}

std::vector<std::uint64_t> HbmAddressMap::bytes_per_stack(std::uint64_t addr,
                                                          std::uint64_t len) const {
  const std::uint32_t stacks = radix(HbmField::kStack);
  if (addr + len > capacity_ || addr + len < addr) return walk_stacks(addr, len);  // wraps
  // The stack digit changes every `period` bytes and cycles every period * stacks.
  std::uint64_t period = interleave_;
  for (int i = 0; i < kHbmFieldCount && order_[i] != HbmField::kStack; ++i) period *= radix_[i];
  const std::uint64_t cycle = period * stacks;
  if (hash_ != HbmAddressHash::kNone) {
    if (!stack_cycle_hash_invariant_) return walk_stacks(addr, len);
    // One permutation per aligned cycle (row and SID sit above the stack digit), which gives
    // each stack `period` bytes whatever it is: walk the partial cycles at the edges only.
    const std::uint64_t head_end = std::min(addr + len, (addr + cycle - 1) / cycle * cycle);
    const std::uint64_t tail_start = std::max(head_end, (addr + len) / cycle * cycle);
    std::vector<std::uint64_t> out = walk_stacks(addr, head_end - addr);
    const std::vector<std::uint64_t> tail = walk_stacks(tail_start, addr + len - tail_start);
    const std::uint64_t whole = (tail_start - head_end) / cycle;
    for (std::uint32_t st = 0; st < stacks; ++st) out[st] += tail[st] + whole * period;
    return out;
  }
  std::vector<std::uint64_t> out(stacks, 0);
  // Closed form: the bytes of stack s below x are whole cycles plus the clipped part of the
  // last one.
  auto below = [&](std::uint64_t x, std::uint64_t s) {
    const std::uint64_t rem = x % cycle;
    const std::uint64_t lo = s * period;
    return (x / cycle) * period + (rem > lo ? std::min(rem - lo, period) : 0);
  };
  for (std::uint32_t st = 0; st < stacks; ++st) out[st] = below(addr + len, st) - below(addr, st);
  return out;
}

}  // namespace maia
