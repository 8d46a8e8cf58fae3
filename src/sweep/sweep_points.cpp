#include "maia/sweep/sweep_points.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/config/config_provenance.hpp"
#include "maia/config/gpu_knobs.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"
#include "maia/core/stable_hash.hpp"
#include "maia/sweep/bounded_text.hpp"
#include "maia/sweep/chip_figures.hpp"
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
      if (option == "chip") load_any_chip_config(file);
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

// What the space caches between points: resolved files, and the chip configs of recent
// points (neighbouring points usually share theirs; loading one reads, parses and validates the
// file). Bounded, so memory stays flat however many points there are.
struct SweepPointSpace::Files : FileResolver {
  using FileResolver::FileResolver;
  struct Chip {
    AnyChipConfig cfg;
    std::string json, error;  // error: the cross-knob rule it breaks
  };
  static constexpr std::size_t kMaxChips = 256;
  std::map<std::string, Chip> chips;

  const Chip& chip(const std::string& file, const std::vector<ConfigOverride>& sets) {
    std::string key = file;
    for (const auto& s : sets) key += "\n" + s.path + "=" + s.value;
    if (const auto it = chips.find(key); it != chips.end()) return it->second;
    if (chips.size() >= kMaxChips) chips.clear();
    Chip c;
    try {
      c.cfg = load_any_chip_config(file, sets);
      auto doc = any_chip_config_to_json(c.cfg);
      // A GPU config names the source of every value, so the point's resolved file carries
      // them (its --set values tagged as set by the sweep).
      if (chip_kind(c.cfg) == ChipKind::kGpu)
        doc["provenance"] = provenance_to_json(load_config_provenance(file, sets));
      c.json = doc.dump(2);
    } catch (const InputError& e) {
      c.error = e.what();
    }
    return chips.emplace(std::move(key), std::move(c)).first->second;
  }
};

SweepPointSpace::SweepPointSpace(const SweepSpec& spec, const SweepContext& ctx, RunArgsCheck check)
    : spec_(spec), ctx_(ctx), check_(std::move(check)), files_(std::make_unique<Files>(spec, ctx)) {
  // Factors of the cross product: a lone axis, or all axes of one zip group.
  std::map<std::string, std::size_t> zip_factor;
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const auto& zip = spec.axes[i].zip;
    if (!zip.empty() && zip_factor.count(zip)) {
      factors_[zip_factor[zip]].push_back(i);
      continue;
    }
    if (!zip.empty()) zip_factor[zip] = factors_.size();
    factors_.push_back({i});
  }
  // The spec reader refuses more than kMaxSweepPoints, so the product fits.
  for (const auto& f : factors_) total_ *= static_cast<std::int64_t>(spec.axes[f[0]].values.size());
  // Distinct values in every factor make distinct points: checked here once, not per point.
  for (const auto& f : factors_) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t v = 0; v < spec.axes[f[0]].values.size(); ++v) {
      std::string key;
      for (const std::size_t a : f) key += spec.axes[a].values[v].dump() + "\n";
      const auto [it, fresh] = seen.emplace(key, v);
      if (fresh) continue;
      const SweepAxis& axis = spec.axes[f[0]];
      throw InputError(fmt::format(
          "{}: {}.values[{}]: repeats values[{}] ({}{}): every point would come twice", spec.file,
          axis.where, v, it->second, bounded_text(axis.values[v].dump()),
          f.size() > 1 ? fmt::format(" with the rest of zip group \"{}\"", axis.zip) : ""));
    }
  }
}

SweepPointSpace::~SweepPointSpace() = default;

std::vector<std::size_t> SweepPointSpace::picks(std::int64_t index) const {
  std::vector<std::size_t> pick(factors_.size(), 0);  // value index of each factor
  std::int64_t rest = index;                          // last factor moves fastest
  for (std::size_t f = factors_.size(); f-- > 0;) {
    const auto n = static_cast<std::int64_t>(spec_.axes[factors_[f][0]].values.size());
    pick[f] = static_cast<std::size_t>(rest % n);
    rest /= n;
  }
  return pick;
}

OJson SweepPointSpace::coordinates(const std::vector<std::size_t>& pick) const {
  std::vector<std::size_t> value_of(spec_.axes.size());
  for (std::size_t f = 0; f < factors_.size(); ++f)
    for (const std::size_t a : factors_[f]) value_of[a] = pick[f];
  OJson params = OJson::object();
  for (std::size_t a = 0; a < spec_.axes.size(); ++a)
    params[spec_.axes[a].name] = spec_.axes[a].values[value_of[a]];
  for (auto it = spec_.params.begin(); it != spec_.params.end(); ++it)
    if (!params.contains(it.key())) params[it.key()] = it.value();
  return params;
}

std::string SweepPointSpace::id(std::int64_t index) const {
  return StableHash().add(coordinates(picks(index)).dump()).hex().substr(0, 12);
}

SweepPoint SweepPointSpace::at(std::int64_t index) const {
  if (index < 0 || index >= total_)
    throw std::out_of_range(fmt::format("sweep point {} of {}", index, total_));
  const SweepSpec& spec = spec_;
  const SweepContext& ctx = ctx_;
  FileResolver& files = *files_;
  const std::vector<std::size_t> pick = picks(index);
  SweepPoint p;
  p.index = index;
  std::vector<std::string> value_where(spec.axes.size());
  std::vector<const Json*> value(spec.axes.size());
  for (std::size_t f = 0; f < factors_.size(); ++f)
    for (const std::size_t a : factors_[f]) {
      value[a] = &spec.axes[a].values[pick[f]];
      value_where[a] = fmt::format("{}.values[{}]", spec.axes[a].where, pick[f]);
    }
  p.params = coordinates(pick);
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
  const Files::Chip& chip = files_->chip(chip_file, sets);
  const AnyChipConfig& cfg = chip.cfg;
  p.chip_json = chip.json;
  if (!chip.error.empty()) p.skip_reason = fmt::format("invalid chip config: {}", chip.error);

  // Constraints, in order: the first that does not hold gives the reason.
  const auto lookup = [&](const std::string& name) -> ExprValue {
    if (name.rfind("chip.", 0) == 0) {
      const std::string rest = name.substr(5);
      if (rest == "name") return chip_name(cfg);
      if (const auto f = chip_figure(cfg, rest)) return *f;
      // A knob of the point's own kind (the spec checked that some kind has it).
      if (const auto* maia = std::get_if<ChipConfig>(&cfg))
        if (const Knob* k = find_knob(rest)) return to_expr_value(k->get(*maia));
      if (const auto* gpu = std::get_if<GpuConfig>(&cfg))
        if (const GpuKnob* k = find_gpu_knob(rest)) return to_expr_value(k->get(*gpu));
      throw InputError(
          fmt::format("chip.{}: not a knob or figure of the point's chip ({}, kind {})", rest,
                      chip_name(cfg), chip_kind_name(chip_kind(cfg))));
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
  StableHash h;
  h.add("maia-sim sweep point v1").add(p.chip_json).add(p.params.dump());
  for (auto it = p.options.begin(); it != p.options.end(); ++it) {
    h.add(it.key()).add(it.value().dump());
    if (is_file_option(it.key())) h.add(files.content_hash(it.value().get<std::string>()));
  }
  p.input_hash = h.hex();
  if (check_ && p.skip_reason.empty()) {
    try {
      check_(point_run_args(p, ctx, "chip.json", "out"));
    } catch (const InputError& e) {
      throw InputError(
          fmt::format("{}: point {} ({}): {}", spec.file, p.index, point_label(p), e.what()));
    }
  }
  return p;
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
