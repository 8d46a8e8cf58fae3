#include <cmath>
#include <filesystem>
#include <typeinfo>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"

namespace maia::cli {

// The shipped configs: in the current directory when run from the repository, else in the
// source tree the binary was built from (MAIA_DEFAULT_* are set by CMakeLists.txt).
std::string default_chip_file() {
  if (std::filesystem::exists("configs/maia200.json")) return "configs/maia200.json";
  return MAIA_DEFAULT_CHIP;
}

std::string default_models_dir() {
  if (std::filesystem::is_directory("configs/models")) return "configs/models";
  return MAIA_DEFAULT_MODELS;
}

std::string self_exe() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the maia-sim binary (/proc/self/exe)");
  return p.string();
}

void add_chip_options(po::options_description& desc, ChipOptions& o) {
  desc.add_options()("chip", po::value(&o.chip_file),
                     "chip config JSON (default: configs/maia200.json)")(
      "set", po::value(&o.sets)->composing(), "override a knob: --set hbm.stacks=8 (repeatable)");
}

ChipConfig load_chip(const ChipOptions& o) {
  std::vector<ConfigOverride> overrides;
  for (const auto& s : o.sets) overrides.push_back(parse_override(s));
  return load_chip_config(o.chip_file.empty() ? default_chip_file() : o.chip_file, overrides);
}

AnyChipConfig load_any_chip(const ChipOptions& o) {
  std::vector<ConfigOverride> overrides;
  for (const auto& s : o.sets) overrides.push_back(parse_override(s));
  return load_any_chip_config(o.chip_file.empty() ? default_chip_file() : o.chip_file, overrides);
}

std::vector<std::string> chip_args(const ChipOptions& o) {
  std::vector<std::string> out;
  if (!o.chip_file.empty()) out.insert(out.end(), {"--chip", o.chip_file});
  for (const auto& s : o.sets) out.insert(out.end(), {"--set", s});
  return out;
}

namespace {

bool is_unsigned(const std::type_info& t) {
  return t == typeid(unsigned) || t == typeid(unsigned long) || t == typeid(unsigned long long);
}

// Boost reads "nan" and "inf" as doubles and wraps "-1" into an unsigned: refused here, once,
// for every option of every command.
void check_numbers(const std::string& command, const po::parsed_options& parsed,
                   const po::variables_map& vm) {
  const auto refuse = [&](const std::string& name, const std::string& rule,
                          const std::string& value) {
    throw InputError(
        fmt::format("maia-sim {}: --{}: {}, got {}", command, name, rule, brief_text(value)));
  };
  for (const auto& o : parsed.options) {
    if (o.string_key.empty() || !vm.count(o.string_key)) continue;
    const auto& type = vm[o.string_key].value().type();
    for (const auto& token : o.value) {
      if (is_unsigned(type) && token.find('-') != std::string::npos)
        refuse(o.string_key, "must be a whole number >= 0", token);
      if (type == typeid(double) && !std::isfinite(vm[o.string_key].as<double>()))
        refuse(o.string_key, "must be a finite number", token);
    }
  }
}

}  // namespace

po::variables_map parse(const std::string& command, const std::vector<std::string>& args,
                        const po::options_description& desc,
                        const po::positional_options_description* pos) {
  po::variables_map vm;
  try {
    auto parser = po::command_line_parser(args).options(desc);
    if (pos) parser.positional(*pos);
    const po::parsed_options parsed = parser.run();
    // A word that is no option's value ("run ... trace.csv" without --trace) would be dropped
    // silently by Boost when the command takes no positional arguments.
    for (const auto& o : parsed.options)
      if (o.position_key >= 0 && o.string_key.empty())
        throw InputError(fmt::format(
            "maia-sim {}: unexpected argument {}: every value needs its option (see maia-sim {} "
            "--help)",
            command, brief_text(o.original_tokens.empty() ? "" : o.original_tokens.front()),
            command));
    po::store(parsed, vm);
    check_numbers(command, parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(
        fmt::format("maia-sim {}: {} (see maia-sim {} --help)", command, e.what(), command));
  }
  return vm;
}

void print_latency_table(const nlohmann::ordered_json& j) {
  const auto row = [](const char* name, const nlohmann::ordered_json& d) {
    fmt::print("{:<24} {:>12.3f} {:>12.3f} {:>12.3f} ms\n", name, d["mean"].get<double>(),
               d["p50"].get<double>(), d["p99"].get<double>());
  };
  const auto& lat = j["latency"];
  const auto& serving = j["serving"];
  fmt::print("{:<24} {:>12} {:>12} {:>12}\n", "latency", "mean", "p50", "p99");
  row("TTFT", lat["ttft_ms"]);
  row("TPOT", lat["tpot_ms"]);
  row("e2e", lat["e2e_ms"]);
  if (serving.contains("inter_token_ms")) row("inter-token", serving["inter_token_ms"]);
  row("queueing delay", serving["queueing_delay_ms"]);
}

}  // namespace maia::cli
