#include "maia/config/gpu_validation.hpp"

#include <fmt/format.h>

#include "hbm_rules.hpp"
#include "maia/config/config_tree.hpp"

namespace maia {

void validate_gpu_config(const GpuConfig& c, const std::string& where) {
  auto rule = [&](bool ok, const std::string& path, const std::string& text,
                  const nlohmann::json& value) {
    if (!ok) config_tree::fail(where, path, text, value);
  };
  validate_hbm_config(c.hbm, where);
  const auto& h = c.hbm;
  rule(1024 % (h.channels_per_stack * h.pseudo_channels) == 0, "hbm.pseudo_channels",
       fmt::format("channels_per_stack ({}) x pseudo_channels must divide the 1024 DQ pins of a "
                   "stack",
                   h.channels_per_stack),
       h.pseudo_channels);
  rule(c.tdp_w >= c.energy.static_w, "tdp_w",
       fmt::format("must be >= the idle power energy.static_w ({:g} W)", c.energy.static_w),
       c.tdp_w);
  const auto& k = c.kernel;
  const std::pair<const char*, double> efficiencies[] = {
      {"kernel.gemm_efficiency", k.gemm_efficiency},
      {"kernel.attention_efficiency", k.attention_efficiency},
      {"kernel.memory_efficiency", k.memory_efficiency}};
  for (const auto& [path, e] : efficiencies)
    rule(e > 0 && e <= 1, path, "must be in (0, 1] (an achievable fraction of a peak)", e);
  auto tiles = [&](const char* path, const std::vector<std::int64_t>& v) {
    rule(!v.empty(), path, "must list at least one tile size", v);
    for (std::size_t i = 0; i < v.size(); ++i)
      rule(v[i] > 0 && v[i] % 16 == 0, fmt::format("{}[{}]", path, i),
           "must be a positive multiple of 16 (a tensor-core tile)", v[i]);
  };
  tiles("kernel.cta_tile_m", k.cta_tile_m);
  tiles("kernel.cta_tile_n", k.cta_tile_n);
  rule(k.cta_tile_k > 0 && k.cta_tile_k % 16 == 0, "kernel.cta_tile_k",
       "must be a positive multiple of 16 (a tensor-core tile)", k.cta_tile_k);
}

}  // namespace maia
