#include "hbm_rules.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/config/config_tree.hpp"

namespace maia {

void validate_hbm_config(const HbmConfig& h, const std::string& where) {
  auto rule = [&](bool ok, const std::string& path, const std::string& text,
                  const nlohmann::json& value) {
    if (!ok) config_tree::fail(where, path, text, value);
  };
  const std::int64_t pcs = h.stacks * h.channels_per_stack * h.pseudo_channels;
  rule(pcs <= kMaxPseudoChannels, "hbm.pseudo_channels",
       fmt::format("stacks ({}) x channels_per_stack ({}) x pseudo_channels must be <= {} "
                   "pseudo-channels (the simulator's limit)",
                   h.stacks, h.channels_per_stack, kMaxPseudoChannels),
       h.pseudo_channels);
  const std::int64_t banks = pcs * h.sids * h.bank_groups * h.banks_per_group;
  rule(banks <= kMaxBanks, "hbm.banks_per_group",
       fmt::format("pseudo-channels ({}) x sids ({}) x bank_groups ({}) x banks_per_group must be "
                   "<= {} banks (the simulator's limit)",
                   pcs, h.sids, h.bank_groups, kMaxBanks),
       h.banks_per_group);
  const long double capacity = static_cast<long double>(banks) * h.rows_per_bank * h.row_bytes;
  rule(capacity <= kMaxHbmBytes, "hbm.rows_per_bank",
       fmt::format("banks ({}) x rows_per_bank x row_bytes ({}) must be <= {} bytes of HBM (the "
                   "simulator's limit)",
                   banks, h.row_bytes, kMaxHbmBytes),
       h.rows_per_bank);
  rule(h.row_bytes % h.burst_bytes == 0, "hbm.row_bytes",
       fmt::format("must be a multiple of hbm.burst_bytes ({})", h.burst_bytes), h.row_bytes);
  rule(h.interleave_bytes % h.burst_bytes == 0 && h.row_bytes % h.interleave_bytes == 0,
       "hbm.interleave_bytes",
       fmt::format("must be a multiple of hbm.burst_bytes ({}) dividing hbm.row_bytes ({})",
                   h.burst_bytes, h.row_bytes),
       h.interleave_bytes);
  {
    static const std::vector<std::string> fields = {
        "stack", "channel", "pseudo_channel", "sid", "bank_group", "bank", "column", "row"};
    std::vector<std::string> got;
    std::stringstream ss(h.address_mapping);
    for (std::string f; std::getline(ss, f, ',');) got.push_back(f);
    auto sorted = got;
    std::sort(sorted.begin(), sorted.end());
    auto want = fields;
    std::sort(want.begin(), want.end());
    rule(sorted == want, "hbm.address_mapping",
         "must list each of stack,channel,pseudo_channel,sid,bank_group,bank,column,row once",
         h.address_mapping);
  }
  const auto& t = h.timing;
  rule(t.tRC >= t.tRAS, "hbm.timing.tRC", fmt::format("must be >= hbm.timing.tRAS ({})", t.tRAS),
       t.tRC);
  rule(t.tREFI > t.tRFC, "hbm.timing.tREFI", fmt::format("must be > hbm.timing.tRFC ({})", t.tRFC),
       t.tREFI);
}

}  // namespace maia
