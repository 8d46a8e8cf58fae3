#include "maia/sweep/sweep_points.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"
#include "maia/sweep/chip_figures.hpp"
#include "maia/sweep/stable_hash.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A value as a command-line word: strings as they are, numbers as JSON writes them.
std::string arg_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// Resolves the files named by run options and fingerprints them by content, once per value.
class FileResolver {
 public:
  FileResolver(const SweepSpec& spec, const SweepContext& ctx) : spec_(spec), ctx_(ctx) {}

  // The resolved value of a file option (an absolute path, or a model short name kept as is).
  const std::string& resolve(const std::string& option, const std::string& value,
                             const std::string& where) {
    const std::string key = option + "\n" + value;
    if (const auto it = resolved_.find(key); it != resolved_.end()) return it->second;
    std::string file;
    std::string out;
    const bool model_name =
        option == "model" && value.find('/') == std::string::npos && !value.ends_with(".json");
    if (model_name) {
      for (const auto& n : list_models(ctx_.models_dir))
        if (lower(n) == lower(value)) file = (fs::path(ctx_.models_dir) / (n + ".json")).string();
      out = value;
    } else {
      file = resolve_spec_path(value, spec_.dir, ctx_.project_root);
      if (file.empty())
        throw InputError(fmt::format("{}: {}: {} file \"{}\" not found in {} nor in {}", spec_.file,
                                     where, option, value, spec_.dir, ctx_.project_root));
      out = file;
    }
    try {
      if (option == "model") load_model(model_name ? value : file, ctx_.models_dir);
      if (option == "chip") load_chip_config(file);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}: {}", spec_.file, where, e.what()));
    }
    content_[out] = hash_file_contents(file);
    return resolved_[key] = out;
  }
  const std::string& content_hash(const std::string& resolved) const {
    return content_.at(resolved);
  }

 private:
  const SweepSpec& spec_;
  const SweepContext& ctx_;
  std::map<std::string, std::string> resolved_, content_;
};

ExprValue to_expr_value(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  return v.get<double>();
}

}  // namespace

std::string point_label(const SweepPoint& p) {
  std::string out;
  for (auto it = p.params.begin(); it != p.params.end(); ++it)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", it.key(), arg_text(it.value()));
  return out;
}

std::vector<SweepPoint> expand_sweep(
    const SweepSpec& spec, const SweepContext& ctx,
    const std::function<void(const std::vector<std::string>&)>& check_run_args) {
  // Factors of the cross product: a lone axis, or all axes of one zip group.
  std::vector<std::vector<std::size_t>> factors;
  std::map<std::string, std::size_t> zip_factor;
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const auto& zip = spec.axes[i].zip;
    if (!zip.empty() && zip_factor.count(zip)) {
      factors[zip_factor[zip]].push_back(i);
      continue;
    }
    if (!zip.empty()) zip_factor[zip] = factors.size();
    factors.push_back({i});
  }
  std::int64_t total = 1;
  for (const auto& f : factors) total *= static_cast<std::int64_t>(spec.axes[f[0]].values.size());

  FileResolver files(spec, ctx);
  std::set<std::string> ids;
  std::vector<SweepPoint> points;
  points.reserve(static_cast<std::size_t>(total));
  std::vector<std::size_t> pick(factors.size(), 0);  // value index of each factor
  for (std::int64_t index = 0; index < total; ++index) {
    std::int64_t rest = index;  // last factor moves fastest
    for (std::size_t f = factors.size(); f-- > 0;) {
      const auto n = static_cast<std::int64_t>(spec.axes[factors[f][0]].values.size());
      pick[f] = static_cast<std::size_t>(rest % n);
      rest /= n;
    }
    SweepPoint p;
    p.index = index;
    std::vector<std::string> value_where(spec.axes.size());
    std::vector<const Json*> value(spec.axes.size());
    for (std::size_t f = 0; f < factors.size(); ++f)
      for (const std::size_t a : factors[f]) {
        value[a] = &spec.axes[a].values[pick[f]];
        value_where[a] = fmt::format("{}.values[{}]", spec.axes[a].where, pick[f]);
      }
    for (std::size_t a = 0; a < spec.axes.size(); ++a) p.params[spec.axes[a].name] = *value[a];
    for (auto it = spec.params.begin(); it != spec.params.end(); ++it)
      if (!p.params.contains(it.key())) p.params[it.key()] = it.value();

    // Run options: the base, then the axes; file options resolved.
    std::string chip_file = spec.chip;
    std::vector<ConfigOverride> sets;
    for (auto it = spec.sets.begin(); it != spec.sets.end(); ++it)
      sets.push_back({it.key(), it.value().dump()});
    p.options = spec.options;
    std::map<std::string, std::string> option_where;
    for (auto it = spec.options.begin(); it != spec.options.end(); ++it)
      option_where[it.key()] = "base." + (it.key() == "model" ? "model" : "options." + it.key());
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      const auto& axis = spec.axes[a];
      if (axis.kind == AxisKind::kChipPath) sets.push_back({axis.name, value[a]->dump()});
      if (axis.kind != AxisKind::kRunOption) continue;
      if (axis.name == "chip") {
        if (!value[a]->is_string())
          throw InputError(fmt::format("{}: {}: a chip config file path, got {}", spec.file,
                                       value_where[a], value[a]->dump()));
        chip_file = files.resolve("chip", value[a]->get<std::string>(), value_where[a]);
        continue;
      }
      p.options[axis.name] = *value[a];
      option_where[axis.name] = value_where[a];
    }
    for (auto it = p.options.begin(); it != p.options.end(); ++it)
      if (is_file_option(it.key())) {
        if (!it.value().is_string())
          throw InputError(fmt::format("{}: {}: a file path, got {}", spec.file,
                                       option_where[it.key()], it.value().dump()));
        it.value() = files.resolve(it.key(), it.value().get<std::string>(), option_where[it.key()]);
      }
    if (!p.options.contains("model"))
      throw InputError(
          fmt::format("{}: base.model: is required (or a \"model\" option axis)", spec.file));

    // The chip config: invalid combinations (cross-knob rules) are skipped with the reason.
    ChipConfig cfg;
    try {
      cfg = load_chip_config(chip_file, sets);
      p.chip_json = chip_config_to_json(cfg).dump(2);
    } catch (const InputError& e) {
      p.skip_reason = fmt::format("invalid chip config: {}", e.what());
    }

    // Constraints, in order: the first that does not hold gives the reason.
    const auto lookup = [&](const std::string& name) -> ExprValue {
      if (name.rfind("chip.", 0) == 0) {
        const std::string rest = name.substr(5);
        if (rest == "name") return cfg.name;
        if (const auto f = chip_figure(cfg, rest)) return *f;
        return to_expr_value(find_knob(rest)->get(cfg));
      }
      std::string dashed = name;
      std::replace(dashed.begin(), dashed.end(), '_', '-');
      if (p.params.contains(name)) return to_expr_value(p.params[name]);
      if (p.params.contains(dashed)) return to_expr_value(p.params[dashed]);
      if (p.options.contains(name)) return to_expr_value(p.options[name]);
      return to_expr_value(p.options[dashed]);
    };
    if (p.skip_reason.empty())
      for (const auto& c : spec.constraints)
        if (!c.expr.holds(lookup)) {
          p.skip_reason = c.reason;
          break;
        }

    // The point's identity (coordinates) and input fingerprint (everything its result depends
    // on: config, options with file contents, parameters).
    p.id = StableHash().add(p.params.dump()).hex().substr(0, 12);
    if (!ids.insert(p.id).second)
      throw InputError(
          fmt::format("{}: axes: two points have the same values ({}): an axis "
                      "repeats a value",
                      spec.file, point_label(p)));
    StableHash h;
    h.add("maia-sim sweep point v1").add(p.chip_json).add(p.params.dump());
    for (auto it = p.options.begin(); it != p.options.end(); ++it) {
      h.add(it.key()).add(it.value().dump());
      if (is_file_option(it.key())) h.add(files.content_hash(it.value().get<std::string>()));
    }
    p.input_hash = h.hex();
    if (check_run_args && p.skip_reason.empty()) {
      try {
        check_run_args(point_run_args(p, ctx, "chip.json", "out"));
      } catch (const InputError& e) {
        throw InputError(
            fmt::format("{}: point {} ({}): {}", spec.file, p.index, point_label(p), e.what()));
      }
    }
    points.push_back(std::move(p));
  }
  return points;
}

std::vector<std::string> point_run_args(const SweepPoint& p, const SweepContext& ctx,
                                        const std::string& chip_file, const std::string& out_dir) {
  std::vector<std::string> args = {"--chip", chip_file};
  for (auto it = p.options.begin(); it != p.options.end(); ++it) {
    const auto o = std::find_if(ctx.run_options.begin(), ctx.run_options.end(),
                                [&](const RunOptionInfo& r) { return r.name == it.key(); });
    if (o != ctx.run_options.end() && !o->takes_value) {
      if (it.value().get<bool>()) args.push_back("--" + it.key());
      continue;
    }
    args.push_back("--" + it.key());
    args.push_back(arg_text(it.value()));
  }
  args.push_back("--out");
  args.push_back(out_dir);
  return args;
}

}  // namespace maia
