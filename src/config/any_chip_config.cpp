#include "maia/config/any_chip_config.hpp"

#include "kind_loaders.hpp"
#include "maia/config/config_tree.hpp"
#include "maia/config/gpu_knobs.hpp"

namespace maia {

ChipKind chip_kind(const AnyChipConfig& c) {
  return std::holds_alternative<GpuConfig>(c) ? ChipKind::kGpu : ChipKind::kMaia;
}

const std::string& chip_name(const AnyChipConfig& c) {
  return std::visit([](const auto& cfg) -> const std::string& { return cfg.name; }, c);
}

AnyChipConfig load_any_chip_config(const std::string& file,
                                   const std::vector<ConfigOverride>& overrides) {
  config_tree::Tree tree = config_tree::read_tree(file);
  if (config_tree::tree_kind(tree) == ChipKind::kGpu) return gpu_from_tree(tree, overrides);
  return maia_from_tree(tree, overrides);
}

nlohmann::ordered_json any_chip_config_to_json(const AnyChipConfig& c) {
  nlohmann::ordered_json out;
  out["kind"] = chip_kind_name(chip_kind(c));
  const nlohmann::ordered_json body =
      std::holds_alternative<GpuConfig>(c)
          ? config_tree::to_json(std::get<GpuConfig>(c), gpu_knobs())
          : chip_config_to_json(std::get<ChipConfig>(c));
  for (const auto& [key, value] : body.items()) out[key] = value;
  return out;
}

}  // namespace maia
