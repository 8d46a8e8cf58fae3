// Fuzz target: chip configuration of any kind (load_any_chip_config), with `extends` and `--set`
// overrides. Input: optional leading lines "--set PATH=VALUE" (each through parse_override), then
// the config JSON, written as chip.json beside copies of configs/maia200.json and
// configs/gpus/h100-sxm.json so that {"extends": "maia200.json"} and {"extends": "h100-sxm.json"}
// resolve as they do for a user's config.
#include <filesystem>
#include <vector>

#include "fuzz_target.hpp"
#include "maia/config/any_chip_config.hpp"
#include "maia/config/config_loader.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  static const bool staged = [] {
    std::filesystem::copy_file(source_dir() + "/configs/maia200.json",
                               scratch_dir() + "/maia200.json",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(source_dir() + "/configs/gpus/h100-sxm.json",
                               scratch_dir() + "/h100-sxm.json",
                               std::filesystem::copy_options::overwrite_existing);
    return true;
  }();
  (void)staged;
  std::vector<ConfigOverride> overrides;
  constexpr std::string_view kSet = "--set ";
  while (data.starts_with(kSet)) {
    const std::size_t eol = data.find('\n');
    const std::string_view line =
        data.substr(kSet.size(), eol == data.npos ? eol : eol - kSet.size());
    overrides.push_back(parse_override(std::string(line)));
    data = eol == data.npos ? std::string_view() : data.substr(eol + 1);
  }
  load_any_chip_config(input_file(data, "chip.json"), overrides);
}

}  // namespace maia::fuzz
