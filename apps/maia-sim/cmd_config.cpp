// maia-sim config: list the knobs, validate a config, or print the resolved config.
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/config/knob.hpp"

namespace maia::cli {
namespace {

std::string value_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

void describe_text(const ChipConfig& defaults) {
  fmt::print("{:<40} {:<7} {:<14} {:<24} {:<20} {:<12} {}\n", "knob", "type", "unit", "default",
             "range", "source", "meaning");
  for (const auto& k : chip_knobs())
    fmt::print("{:<40} {:<7} {:<14} {:<24} {:<20} {:<12} {}\n", k.path, knob_type_name(k.type),
               k.unit, value_text(k.get(defaults)), knob_range_text(k), provenance_tag(k.source),
               k.description);
}

void describe_markdown(const ChipConfig& defaults) {
  fmt::print("| knob | unit | default (Maia 200) | valid range | source | meaning | basis |\n");
  fmt::print("|---|---|---|---|---|---|---|\n");
  for (const auto& k : chip_knobs())
    fmt::print("| `{}` | {} | `{}` | {} | {} | {} | {} |\n", k.path, k.unit,
               value_text(k.get(defaults)), knob_range_text(k), provenance_tag(k.source),
               k.description, k.source_note);
}

}  // namespace

int cmd_config(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim config [--describe [--markdown] | --check FILE | --show]");
  ChipOptions chip;
  std::string check;
  desc.add_options()("help,h", "this help")("describe",
                                            "list every knob: type, unit, default, range, meaning")(
      "markdown", "with --describe: a Markdown table (docs/config.md)")(
      "check", po::value(&check), "validate a chip config file; exit 2 on any error")(
      "show", "print the resolved config (after extends and --set) as JSON");
  add_chip_options(desc, chip);
  const auto vm = parse("config", args, desc);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (vm.count("describe")) {
    const ChipConfig defaults;
    if (vm.count("markdown"))
      describe_markdown(defaults);
    else
      describe_text(defaults);
    return kExitOk;
  }
  if (vm.count("check")) {
    std::vector<ConfigOverride> overrides;
    for (const auto& s : chip.sets) overrides.push_back(parse_override(s));
    const ChipConfig c = load_chip_config(check, overrides);
    fmt::print("{}: ok ({} clusters x {} tiles enabled, {} HBM stacks)\n", check, c.clusters,
               c.enabled_tiles_per_cluster, c.hbm.stacks);
    return kExitOk;
  }
  if (vm.count("show")) {
    std::cout << chip_config_to_json(load_chip(chip)).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << desc;
  return kExitBadInput;
}

}  // namespace maia::cli
