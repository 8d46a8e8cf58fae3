// maia-sim config: list the knobs of a chip kind, validate a config of any kind, print the
// resolved config or the provenance of each of its values.
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/config/any_chip_config.hpp"
#include "maia/config/config_provenance.hpp"
#include "maia/config/gpu_knobs.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/config/knob.hpp"
#include "maia/system/collective_model.hpp"
#include "maia/system/system_config.hpp"
#include "maia/system/topology_registry.hpp"
#include "maia/system/transport_config.hpp"

namespace maia::cli {
namespace {

std::string value_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

template <typename C>
void describe_text(const std::vector<KnobOf<C>>& knobs, const C& defaults) {
  fmt::print("{:<40} {:<7} {:<14} {:<24} {:<20} {:<12} {}\n", "knob", "type", "unit", "default",
             "range", "source", "meaning");
  for (const auto& k : knobs)
    fmt::print("{:<40} {:<7} {:<14} {:<24} {:<20} {:<12} {}\n", k.path, knob_type_name(k.type),
               k.unit, value_text(k.get(defaults)), knob_range_text(k), provenance_tag(k.source),
               k.description);
}

template <typename C>
void describe_markdown(const std::vector<KnobOf<C>>& knobs, const C& defaults,
                       const std::string& default_heading) {
  fmt::print("| knob | unit | {} | valid range | source | meaning | basis |\n", default_heading);
  fmt::print("|---|---|---|---|---|---|---|\n");
  for (const auto& k : knobs)
    fmt::print("| `{}` | {} | `{}` | {} | {} | {} | {} |\n", k.path, k.unit,
               value_text(k.get(defaults)), knob_range_text(k), provenance_tag(k.source),
               k.description, k.source_note);
}

// The value at a dotted knob path of a config document.
nlohmann::ordered_json value_at(const nlohmann::ordered_json& doc, const std::string& path) {
  const nlohmann::ordered_json* node = &doc;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    node = &node->at(path.substr(start, dot - start));
    if (dot == std::string::npos) return *node;
    start = dot + 1;
  }
}

void print_provenance(const std::string& file, const std::vector<ConfigOverride>& overrides,
                      bool markdown) {
  const auto doc = any_chip_config_to_json(load_any_chip_config(file, overrides));
  const auto entries = load_config_provenance(file, overrides);
  if (markdown) {
    fmt::print("| knob | value | tag | source note |\n|---|---|---|---|\n");
    for (const auto& e : entries)
      fmt::print("| `{}` | `{}` | {} | {} |\n", e.path, value_text(value_at(doc, e.path)),
                 provenance_code(e.tag), e.note);
    return;
  }
  fmt::print("{:<36} {:<24} {:<4} {}\n", "knob", "value", "tag", "source note");
  for (const auto& e : entries)
    fmt::print("{:<36} {:<24} {:<4} {}\n", e.path, value_text(value_at(doc, e.path)),
               provenance_code(e.tag), e.note);
}

// One line saying what the config is.
std::string summary(const AnyChipConfig& any) {
  if (const auto* c = std::get_if<ChipConfig>(&any))
    return fmt::format("{} clusters x {} tiles enabled, {} HBM stacks", c->clusters,
                       c->enabled_tiles_per_cluster, c->hbm.stacks);
  const auto& g = std::get<GpuConfig>(any);
  const double gib = static_cast<double>(hbm_capacity_bytes(g.hbm)) / (1u << 30);
  const double tbps = static_cast<double>(g.hbm.stacks) * 1024.0 * g.hbm.pin_rate_gbps / 8e3;
  return fmt::format("gpu: {} SMs, {:.0f} GB {} at {:.2f} TB/s", g.sm.count, gib, g.memory_type,
                     tbps);
}

// A knob without default: the file gives it, as a number or (where accepted) "chip".
std::string required_text(const TopologyKnob& k) {
  return k.from_chip.empty() ? "(required)" : fmt::format("(required; \"chip\": {})", k.from_chip);
}

// Every topology kind with its knobs, and the collective algorithms (system configs).
void describe_systems(bool markdown) {
  for (const auto& kind : topology_kinds()) {
    if (markdown) {
      fmt::print("### `{}`\n\n{}\n\n", kind.name, kind.description);
      if (kind.knobs.empty()) {
        fmt::print("No knobs of its own.\n\n");
        continue;
      }
      fmt::print("| knob | unit | default | valid range | source | meaning | basis |\n");
      fmt::print("|---|---|---|---|---|---|---|\n");
      for (const auto& k : kind.knobs)
        fmt::print("| `topology.{}` | {} | {} | {} | {} | {} | {} |\n", k.path, k.unit,
                   k.default_value.is_null() ? required_text(k)
                                             : fmt::format("`{}`", value_text(k.default_value)),
                   knob_range_text(k), provenance_tag(k.source), k.description, k.source_note);
      fmt::print("\n");
      continue;
    }
    fmt::print("topology {}: {}\n", kind.name, kind.description);
    if (kind.knobs.empty()) fmt::print("  (no knobs of its own)\n");
    for (const auto& k : kind.knobs)
      fmt::print("  topology.{:<25} {:<7} {:<7} {:<11} {:<18} {:<12} {}\n", k.path,
                 knob_type_name(k.type), k.unit,
                 k.default_value.is_null() ? "(required)" : value_text(k.default_value),
                 knob_range_text(k), provenance_tag(k.source),
                 k.from_chip.empty() ? k.description
                                     : fmt::format("{}; \"chip\": {}", k.description, k.from_chip));
  }
  // The transport block (read by the detailed collective fidelity).
  if (markdown) {
    fmt::print(
        "### `transport`\n\nthe network's packets (read by the detailed collective "
        "fidelity)\n\n");
    fmt::print("| knob | unit | default | valid range | source | meaning | basis |\n");
    fmt::print("|---|---|---|---|---|---|---|\n");
  } else {
    fmt::print("transport: the network's packets (read by the detailed collective fidelity)\n");
  }
  for (const auto& k : transport_knobs()) {
    if (markdown)
      fmt::print("| `transport.{}` | {} | `{}` | {} | {} | {} | {} |\n", k.path, k.unit,
                 value_text(k.default_value), knob_range_text(k), provenance_tag(k.source),
                 k.description, k.source_note);
    else
      fmt::print("  transport.{:<24} {:<7} {:<7} {:<11} {:<18} {:<12} {}\n", k.path,
                 knob_type_name(k.type), k.unit, value_text(k.default_value), knob_range_text(k),
                 provenance_tag(k.source), k.description);
  }
  fmt::print("{}collective.algorithm: auto (the fastest the model predicts) or one of {}\n",
             markdown ? "\n" : "", collective_algorithm_names_text());
}

}  // namespace

int cmd_config(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim config [--describe [--kind maia|gpu | --system] [--markdown] | --check FILE | "
      "--check-system FILE | --show | --provenance [--markdown]]");
  ChipOptions chip;
  std::string check;
  std::string kind = "maia";
  desc.add_options()("help,h", "this help")(
      "describe", "list every knob of a chip kind: type, unit, default, range, meaning")(
      "kind", po::value(&kind), "with --describe: the chip kind, maia (default) or gpu")(
      "markdown", "with --describe or --provenance: a Markdown table (docs/config.md)")(
      "check", po::value(&check), "validate a chip config file of any kind; exit 2 on any error")(
      "show", "print the resolved config (after extends and --set) as JSON, with its kind")(
      "provenance", "print every knob of the config with its value, provenance tag and note")(
      "system",
      "with --describe: the topologies of system configs (configs/systems/) and their knobs")(
      "check-system", po::value<std::string>(),
      "validate a system config file; exit 2 on any error");
  add_chip_options(desc, chip);
  const auto vm = parse("config", args, desc);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  std::vector<ConfigOverride> overrides;
  for (const auto& s : chip.sets) overrides.push_back(parse_override(s));
  const std::string file = chip.chip_file.empty() ? default_chip_file() : chip.chip_file;
  if (vm.count("check-system")) {
    const std::string f = vm["check-system"].as<std::string>();
    const SystemConfig sys = load_system_config(f);
    fmt::print("{}: ok ({}; chip {} from {}; collective {})\n", f, sys.topology->summary(),
               chip_name(sys.chip), sys.chip_file, sys.algorithm);
    return kExitOk;
  }
  if (vm.count("describe") && vm.count("system")) {
    describe_systems(vm.count("markdown") > 0);
    return kExitOk;
  }
  if (vm.count("describe")) {
    const bool md = vm.count("markdown") > 0;
    if (parse_chip_kind(kind, "maia-sim config --kind") == ChipKind::kGpu) {
      const GpuConfig defaults;
      if (md)
        describe_markdown(gpu_knobs(), defaults, "in-class value (H100 SXM; not a default)");
      else
        describe_text(gpu_knobs(), defaults);
    } else {
      const ChipConfig defaults;
      if (md)
        describe_markdown(chip_knobs(), defaults, "default (Maia 200)");
      else
        describe_text(chip_knobs(), defaults);
    }
    return kExitOk;
  }
  if (vm.count("check")) {
    fmt::print("{}: ok ({})\n", check, summary(load_any_chip_config(check, overrides)));
    return kExitOk;
  }
  if (vm.count("show")) {
    const AnyChipConfig c = load_any_chip_config(file, overrides);
    auto doc = any_chip_config_to_json(c);
    // A gpu config needs the provenance of its values: with it, the output loads as it is.
    if (chip_kind(c) == ChipKind::kGpu)
      doc["provenance"] = provenance_to_json(load_config_provenance(file, overrides));
    std::cout << doc.dump(2) << "\n";
    return kExitOk;
  }
  if (vm.count("provenance")) {
    print_provenance(file, overrides, vm.count("markdown") > 0);
    return kExitOk;
  }
  std::cout << desc;
  return kExitBadInput;
}

}  // namespace maia::cli
