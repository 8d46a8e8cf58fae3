#include "maia/sweep/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/config/gpu_knobs.hpp"
#include "maia/config/knob.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/sweep/bounded_text.hpp"
#include "maia/sweep/chip_figures.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Run options a sweep sets itself or that make no sense per point.
const std::map<std::string, std::string> kReservedOptions = {
    {"out", "the sweep writes each point's outputs to DIR/points/<id>/"},
    {"help", "not a run setting"},
    {"emit-ops", "every point would write the same file"},
    {"set", "vary chip knobs with a {\"path\": ...} axis or fix them in base.set"}};

std::vector<std::string> option_names(const SweepContext& ctx) {
  std::vector<std::string> out;
  for (const auto& o : ctx.run_options) out.push_back(o.name);
  return out;
}

const RunOptionInfo* find_option(const SweepContext& ctx, const std::string& name) {
  for (const auto& o : ctx.run_options)
    if (o.name == name) return &o;
  return nullptr;
}

// Knobs of every chip kind: which kind a point's chip is, is known only once its chip file is
// resolved, so a path is checked against all of them here and against its own kind per point.
std::vector<std::string> knob_paths() {
  std::vector<std::string> out{"name"};
  for (const auto& k : chip_knobs()) out.push_back(k.path);
  for (const auto& k : gpu_knobs())
    if (!find_knob(k.path)) out.push_back(k.path);
  return out;
}

const KnobInfo* find_any_knob(const std::string& path) {
  if (const Knob* k = find_knob(path)) return k;
  return find_gpu_knob(path);
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > kQuotedTextMax) return "";  // nothing is that long; spare the edit distance
  const std::string hint = nearest_match(word, candidates);
  return hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint);
}

// A knob value's type and range, checked on its own (cross-knob rules are checked per point).
void check_knob_value(const KnobInfo& k, const Json& v, const std::string& file,
                      const std::string& where) {
  auto bad = [&](const std::string& rule) {
    throw InputError(
        fmt::format("{}: {}: {}: {}, got {}", file, where, k.path, rule, bounded_text(v.dump())));
  };
  // An integer as JSON holds it: unsigned values beyond the signed range are out of range.
  auto integer = [&](const Json& e) {
    if (e.is_number_unsigned() && e.get<std::uint64_t>() > std::uint64_t{INT64_MAX})
      bad("must be " + knob_range_text(k));
    return static_cast<double>(e.get<std::int64_t>());
  };
  auto range = [&](double x) {
    if (x < k.min || x > k.max) bad("must be " + knob_range_text(k));
  };
  switch (k.type) {
    case KnobType::kInt:
      if (!v.is_number_integer()) bad("must be an integer");
      range(integer(v));
      break;
    case KnobType::kDouble:
      if (!v.is_number() || !std::isfinite(v.get<double>())) bad("must be a number");
      range(v.get<double>());
      break;
    case KnobType::kString:
      if (!v.is_string()) bad("must be a string");
      if (!k.choices.empty() &&
          std::find(k.choices.begin(), k.choices.end(), v.get<std::string>()) == k.choices.end())
        bad("must be " + knob_range_text(k));
      break;
    case KnobType::kIntList:
      if (!v.is_array()) bad("must be an array of integers");
      for (const auto& e : v) {
        if (!e.is_number_integer()) bad("must be an array of integers");
        range(integer(e));
      }
      break;
  }
}

// Checks one value of a run option or parameter: a flag takes true/false, other options a number
// or a string.
void check_option_value(const RunOptionInfo& o, const Json& v, const std::string& file,
                        const std::string& where) {
  if (!o.takes_value) {
    if (!v.is_boolean())
      throw InputError(fmt::format("{}: {}: --{} is a flag and takes true or false, got {}", file,
                                   where, o.name, v.dump()));
    return;
  }
  if (!(v.is_number() || v.is_string()) || (v.is_number_float() && !std::isfinite(v.get<double>())))
    throw InputError(fmt::format("{}: {}: --{} takes a finite number or a string, got {}", file,
                                 where, o.name, bounded_text(v.dump())));
}

// A free parameter is a finite number or a string.
void check_param_value(const Json& v, const std::string& file, const std::string& where) {
  if (!(v.is_number() || v.is_string()) || (v.is_number_float() && !std::isfinite(v.get<double>())))
    throw InputError(fmt::format("{}: {}: a parameter is a finite number or a string, got {}", file,
                                 where, bounded_text(v.dump())));
}

const RunOptionInfo& checked_option(const SweepContext& ctx, const std::string& name,
                                    const std::string& file, const std::string& where) {
  if (const auto r = kReservedOptions.find(name); r != kReservedOptions.end())
    throw InputError(fmt::format("{}: {}: option '{}' cannot be set in a sweep: {}", file, where,
                                 name, r->second));
  const RunOptionInfo* o = find_option(ctx, name);
  if (!o) {
    std::string list;
    for (const auto& n : option_names(ctx))
      if (!kReservedOptions.count(n)) list += (list.empty() ? "" : ", ") + n;
    throw InputError(fmt::format("{}: {}: '{}' is not an option of maia-sim run{} (options: {})",
                                 file, where, bounded_text(name),
                                 suggestion(name, option_names(ctx)), list));
  }
  return *o;
}

const KnobInfo& checked_knob(const std::string& path, const std::string& file,
                             const std::string& where) {
  const KnobInfo* k = find_any_knob(path);
  if (!k)
    throw InputError(
        fmt::format("{}: {}: '{}' is not a chip knob{} (maia-sim config --describe "
                    "lists them)",
                    file, where, bounded_text(path), suggestion(path, knob_paths())));
  return *k;
}

// Values of "range": [lo, hi, step]: lo, lo + step, ... up to hi inclusive; integers when all
// three are integers.
std::vector<Json> range_values(JsonReader& axis, const std::string& file) {
  const Json& r = axis.child("range").node();
  const std::string where = axis.key_path("range");
  if (!r.is_array() || r.size() != 3 || !r[0].is_number() || !r[1].is_number() || !r[2].is_number())
    throw InputError(fmt::format("{}: {}: must be [lo, hi, step] (numbers), got {}", file, where,
                                 bounded_text(r.dump())));
  const double lo = r[0].get<double>(), hi = r[1].get<double>(), step = r[2].get<double>();
  if (!(step > 0) || hi < lo || !std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(step))
    throw InputError(fmt::format("{}: {}: needs finite numbers, step > 0 and hi >= lo, got {}",
                                 file, where, bounded_text(r.dump())));
  const auto fits_int64 = [](const Json& v) {
    return v.is_number_integer() &&
           !(v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t{INT64_MAX});
  };
  const bool ints = fits_int64(r[0]) && fits_int64(r[1]) && fits_int64(r[2]);
  // The count, exact for integers (128-bit: hi - lo may exceed the 64-bit range), else with a
  // little slack for decimal steps (0.1 steps reach 1.0).
  const double n = ints ? static_cast<double>((static_cast<__int128>(r[1].get<std::int64_t>()) -
                                               r[0].get<std::int64_t>()) /
                                                  r[2].get<std::int64_t>() +
                                              1)
                        : std::floor((hi - lo) / step * (1 + 1e-12)) + 1;
  if (!(n <= static_cast<double>(kMaxSweepPoints)))
    throw InputError(
        fmt::format("{}: {}: {} gives {:.0f} values, more than the {} a sweep may have", file,
                    where, r.dump(), n, kMaxSweepPoints));
  std::vector<Json> out;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    if (ints)  // lo + i * step <= hi: no overflow
      out.emplace_back(r[0].get<std::int64_t>() + i * r[2].get<std::int64_t>());
    else
      out.emplace_back(lo + static_cast<double>(i) * step);  // no accumulated rounding
  }
  return out;
}

SweepAxis read_axis(JsonReader& a, const SweepContext& ctx, const std::string& file) {
  SweepAxis axis;
  axis.where = a.path();
  const int kinds = a.has("path") + a.has("option") + a.has("param");
  if (kinds != 1)
    a.fail_here(
        "must name exactly one of \"path\" (chip knob), \"option\" (maia-sim run option)"
        " or \"param\" (free parameter)");
  if (a.has("path")) {
    axis.kind = AxisKind::kChipPath;
    axis.name = a.string("path");
  } else if (a.has("option")) {
    axis.kind = AxisKind::kRunOption;
    axis.name = a.string("option");
  } else {
    axis.kind = AxisKind::kParam;
    axis.name = a.string("param");
  }
  if (a.has("values") == a.has("range")) a.fail_here("must have one of \"values\" or \"range\"");
  if (a.has("values")) {
    const Json& v = a.child("values").node();
    if (!v.is_array() || v.empty())
      throw InputError(fmt::format("{}: {}: must be a non-empty array, got {}", file,
                                   a.key_path("values"), v.dump()));
    axis.values.assign(v.begin(), v.end());
  } else {
    axis.values = range_values(a, file);
  }
  axis.zip = a.string_or("zip", "");
  a.reject_unknown_keys();

  const std::string name_key = axis.kind == AxisKind::kChipPath    ? "path"
                               : axis.kind == AxisKind::kRunOption ? "option"
                                                                   : "param";
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    const std::string where = fmt::format("{}.values[{}]", axis.where, i);
    const Json& v = axis.values[i];
    switch (axis.kind) {
      case AxisKind::kChipPath:
        check_knob_value(checked_knob(axis.name, file, a.key_path(name_key)), v, file, where);
        break;
      case AxisKind::kRunOption:
        check_option_value(checked_option(ctx, axis.name, file, a.key_path(name_key)), v, file,
                           where);
        break;
      case AxisKind::kParam:
        check_param_value(v, file, where);
        break;
    }
  }
  if (axis.kind == AxisKind::kParam && (find_option(ctx, axis.name) || find_any_knob(axis.name)))
    throw InputError(fmt::format("{}: {}: parameter '{}' has the name of a {}; use \"{}\" instead",
                                 file, a.key_path("param"), bounded_text(axis.name),
                                 find_any_knob(axis.name) ? "chip knob" : "run option",
                                 find_any_knob(axis.name) ? "path" : "option"));
  return axis;
}

}  // namespace

bool is_file_option(const std::string& name) {
  return name == "chip" || name == "model" || name == "trace" || name == "length-table";
}

std::string resolve_spec_path(const std::string& path, const std::string& spec_dir,
                              const std::string& project_root) {
  const fs::path p(path);
  if (p.is_absolute()) return fs::exists(p) ? p.string() : "";
  for (const auto& base : {spec_dir, project_root}) {
    const fs::path candidate = fs::path(base) / p;
    if (!base.empty() && fs::exists(candidate))
      return fs::weakly_canonical(fs::absolute(candidate)).string();
  }
  return "";
}

SweepSpec load_sweep_spec(const std::string& file, const SweepContext& ctx) {
  const Json doc = JsonReader::parse_file(file);
  JsonReader top(doc, file, "");
  SweepSpec spec;
  spec.file = file;
  spec.dir = fs::absolute(fs::path(file)).parent_path().string();
  spec.name = top.string_or("name", fs::path(file).stem().string());
  top.string_or("description", "");

  JsonReader base = top.object("base");
  const std::string chip = base.string_or("chip", ctx.default_chip);
  spec.chip = resolve_spec_path(chip, spec.dir, ctx.project_root);
  if (spec.chip.empty())
    base.fail("chip", fmt::format("file not found in {} nor in {}", spec.dir, ctx.project_root));
  if (base.has("model")) {
    spec.options["model"] = base.string("model");
  }
  if (base.has("set")) {
    JsonReader sets = base.object("set");
    for (auto it = sets.node().begin(); it != sets.node().end(); ++it) {
      const std::string where = sets.key_path(it.key());
      check_knob_value(checked_knob(it.key(), file, where), it.value(), file, where);
      sets.child(it.key());
      spec.sets[it.key()] = it.value();
    }
  }
  if (base.has("options")) {
    JsonReader opts = base.object("options");
    for (auto it = opts.node().begin(); it != opts.node().end(); ++it) {
      const std::string where = opts.key_path(it.key());
      if (it.key() == "model" || it.key() == "chip")
        throw InputError(
            fmt::format("{}: {}: give the {} as base.{}", file, where, it.key(), it.key()));
      check_option_value(checked_option(ctx, it.key(), file, where), it.value(), file, where);
      opts.child(it.key());
      spec.options[it.key()] = it.value();
    }
  }
  if (base.has("params")) {
    JsonReader params = base.object("params");
    for (auto it = params.node().begin(); it != params.node().end(); ++it) {
      params.child(it.key());
      check_param_value(it.value(), file, params.key_path(it.key()));
      spec.params[it.key()] = it.value();
    }
  }
  base.reject_unknown_keys();

  std::set<std::string> axis_names;
  std::map<std::string, std::size_t> zip_sizes;
  std::int64_t count = 1;
  std::string factors;  // "3 x 4 x ..." for the message
  for (auto& a : top.array("axes")) {
    SweepAxis axis = read_axis(a, ctx, file);
    if (!axis_names.insert(axis.name).second)
      throw InputError(fmt::format("{}: {}: '{}' is varied by an earlier axis too", file,
                                   axis.where, bounded_text(axis.name)));
    if (!axis.zip.empty()) {
      auto [it, first] = zip_sizes.try_emplace(axis.zip, axis.values.size());
      if (!first && it->second != axis.values.size())
        throw InputError(fmt::format(
            "{}: {}: zip group \"{}\" has axes of {} values, this one has {}: zipped axes "
            "need the same number of values",
            file, axis.where, axis.zip, it->second, axis.values.size()));
      if (!first) {
        spec.axes.push_back(std::move(axis));
        continue;
      }
    }
    // Checked: refused beyond the maximum, so the product never overflows.
    factors += fmt::format("{}{}", factors.empty() ? "" : " x ", axis.values.size());
    std::int64_t grown = 0;
    if (__builtin_mul_overflow(count, static_cast<std::int64_t>(axis.values.size()), &grown) ||
        grown > kMaxSweepPoints)
      throw InputError(fmt::format(
          "{}: {}: the sweep would have {} points ({}), more than the {} a sweep may have", file,
          axis.where, grown > 0 ? fmt::to_string(grown) : "too many", factors, kMaxSweepPoints));
    count = grown;
    spec.axes.push_back(std::move(axis));
  }

  if (top.has("constraints")) {
    for (auto& c : top.array("constraints")) {
      const std::string text = c.string("expr");
      SweepConstraint con{ConstraintExpr::parse(text, c.key_path("expr")), text,
                          c.string_or("reason", "constraint \"" + text + "\" does not hold"),
                          c.path()};
      c.reject_unknown_keys();
      // Every name must resolve: chip.<figure or knob>, or an option / parameter the spec sets.
      for (const auto& n : con.expr.names()) {
        if (n.rfind("chip.", 0) == 0) {
          const std::string rest = n.substr(5);
          const std::vector<std::string> figures = chip_figure_names();
          bool known = false;
          for (const auto& f : figures) known = known || f == rest;
          const KnobInfo* k = find_any_knob(rest);
          if (k && k->type == KnobType::kIntList)
            throw InputError(fmt::format("{}: {}: {} is a list knob; constraints take numbers",
                                         file, c.key_path("expr"), bounded_text(n)));
          if (!known && !k && rest != "name") {
            std::vector<std::string> names;
            for (const auto& f : figures) names.push_back("chip." + f);
            for (const auto& p : knob_paths()) names.push_back("chip." + p);
            throw InputError(fmt::format("{}: {}: unknown name '{}'{}", file, c.key_path("expr"),
                                         bounded_text(n), suggestion(n, names)));
          }
          continue;
        }
        std::string dashed = n;
        std::replace(dashed.begin(), dashed.end(), '_', '-');
        const bool set = spec.options.contains(n) || spec.options.contains(dashed) ||
                         spec.params.contains(n) || axis_names.count(n) || axis_names.count(dashed);
        if (!set) {
          std::vector<std::string> names(axis_names.begin(), axis_names.end());
          for (auto it = spec.options.begin(); it != spec.options.end(); ++it)
            names.push_back(it.key());
          for (auto it = spec.params.begin(); it != spec.params.end(); ++it)
            names.push_back(it.key());
          throw InputError(fmt::format(
              "{}: {}: '{}' is neither chip.<figure or knob> nor an option or parameter that "
              "this spec sets{}",
              file, c.key_path("expr"), bounded_text(n), suggestion(n, names)));
        }
      }
      spec.constraints.push_back(std::move(con));
    }
  }
  top.reject_unknown_keys();
  return spec;
}

}  // namespace maia
