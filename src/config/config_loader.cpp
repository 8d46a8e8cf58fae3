#include "maia/config/config_loader.hpp"

#include <fmt/format.h>

#include "hbm_rules.hpp"
#include "kind_loaders.hpp"
#include "maia/config/config_tree.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"

namespace maia {

using config_tree::fail;
using Json = nlohmann::json;

ConfigOverride parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError(
        fmt::format("--set {}: must have the form knob.path=value, got \"{}\"", text, text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

config_tree::KnobIndex maia_knob_index() {
  return config_tree::index_of(ChipKind::kMaia, chip_knobs());
}

ChipConfig maia_from_tree(config_tree::Tree& tree, const std::vector<ConfigOverride>& overrides) {
  const auto ix = maia_knob_index();
  config_tree::apply_overrides(tree, overrides, ix);
  ChipConfig cfg;
  config_tree::apply(tree, ix, cfg);
  config_tree::check_provenance(tree, ix, /*required=*/false);
  validate_chip_config(cfg, tree.file.empty() ? "config" : tree.file);
  return cfg;
}

ChipConfig load_chip_config(const std::string& file, const std::vector<ConfigOverride>& overrides) {
  config_tree::Tree tree = config_tree::read_tree(file);
  const ChipKind kind = config_tree::tree_kind(tree);
  if (kind != ChipKind::kMaia)
    throw InputError(fmt::format("{}: kind: this command needs a maia chip, got \"{}\"", file,
                                 chip_kind_name(kind)));
  return maia_from_tree(tree, overrides);
}

void validate_chip_config(const ChipConfig& c, const std::string& where) {
  auto rule = [&](bool ok, const std::string& path, const std::string& text, const Json& value) {
    if (!ok) fail(where, path, text, value);
  };
  rule(c.enabled_tiles_per_cluster <= c.tiles_per_cluster, "enabled_tiles_per_cluster",
       fmt::format("must be <= tiles_per_cluster ({})", c.tiles_per_cluster),
       c.enabled_tiles_per_cluster);
  // Whole-chip limits: each knob may be in range while their product is a chip the simulator
  // cannot build (SystemC processes, bank state and semaphores grow with it). Refused here, so
  // `config --check` and every simulating command agree.
  const std::int64_t tiles = c.clusters * c.tiles_per_cluster;
  rule(tiles <= kMaxTiles, "tiles_per_cluster",
       fmt::format("clusters ({}) x tiles_per_cluster must be <= {} tiles (the simulator's limit)",
                   c.clusters, kMaxTiles),
       c.tiles_per_cluster);
  const std::int64_t semaphores = tiles * c.tile.semaphores + c.clusters * c.cluster.semaphores;
  rule(
      semaphores <= kMaxSemaphores, "tile.semaphores",
      fmt::format("tiles ({}) x tile.semaphores + clusters x cluster.semaphores ({}) must be <= {} "
                  "(the simulator's limit)",
                  tiles, c.cluster.semaphores, kMaxSemaphores),
      c.tile.semaphores);
  validate_hbm_config(c.hbm, where);
  const auto& h = c.hbm;
  const auto& g = c.gnoc;
  const std::int64_t routers = g.mesh_cols * g.mesh_rows;
  rule(static_cast<std::int64_t>(g.cluster_routers.size()) == c.clusters, "gnoc.cluster_routers",
       fmt::format("must have one entry per cluster ({})", c.clusters), g.cluster_routers);
  rule(static_cast<std::int64_t>(g.hbm_routers.size()) == h.stacks, "gnoc.hbm_routers",
       fmt::format("must have one entry per HBM stack ({})", h.stacks), g.hbm_routers);
  auto check_router = [&](const std::string& path, std::int64_t r) {
    rule(r < routers, path,
         fmt::format("must be a router id < mesh_cols * mesh_rows ({})", routers), r);
  };
  for (std::size_t i = 0; i < g.cluster_routers.size(); ++i)
    check_router(fmt::format("gnoc.cluster_routers[{}]", i), g.cluster_routers[i]);
  for (std::size_t i = 0; i < g.hbm_routers.size(); ++i)
    check_router(fmt::format("gnoc.hbm_routers[{}]", i), g.hbm_routers[i]);
  check_router("gnoc.pcie_router", g.pcie_router);
  check_router("gnoc.nic_router", g.nic_router);
  std::int64_t tray = 0;
  for (auto n : c.nic.tray_links) tray += n;
  rule(tray + c.nic.scaleout_ports <= c.nic.ports, "nic.tray_links",
       fmt::format("tray links + nic.scaleout_ports ({}) must be <= nic.ports ({})",
                   c.nic.scaleout_ports, c.nic.ports),
       c.nic.tray_links);
  rule(c.tdp_w >= c.energy.static_w(), "tdp_w",
       fmt::format("must be >= the idle power, the sum of energy.static_* ({:g} W)",
                   c.energy.static_w()),
       c.tdp_w);
}

nlohmann::ordered_json chip_config_to_json(const ChipConfig& c) {
  return config_tree::to_json(c, chip_knobs());
}

}  // namespace maia
