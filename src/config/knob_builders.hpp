#pragma once
// Builders for knob tables, generic over the config struct: a knob bound to one field through a
// captureless accessor, and `lift`, which re-binds a table written for a sub-struct (HbmConfig,
// PcieConfig) into any config that holds one, so the chip kinds share those definitions.
#include <string>
#include <utility>
#include <vector>

#include "maia/config/knob.hpp"

namespace maia::knob_builders {

using Json = nlohmann::json;
using P = Provenance;

template <typename C, typename T>
using Field = T& (*)(C&);

template <typename C, typename T>
KnobOf<C> field_knob(KnobType type, std::string path, std::string unit, double min, double max,
                     std::vector<std::string> choices, P src, std::string desc, std::string note,
                     Field<C, T> f) {
  KnobOf<C> k;
  k.path = std::move(path);
  k.type = type;
  k.unit = std::move(unit);
  k.min = min;
  k.max = max;
  k.choices = std::move(choices);
  k.source = src;
  k.description = std::move(desc);
  k.source_note = std::move(note);
  if (f) {
    k.get = [f](const C& c) { return Json(f(const_cast<C&>(c))); };
    k.set = [f](C& c, const Json& v) { f(c) = v.template get<T>(); };
  }
  return k;
}

template <typename C>
KnobOf<C> int_knob(std::string path, std::string unit, double min, double max, P src,
                   std::string desc, std::string note, Field<C, std::int64_t> f) {
  return field_knob<C, std::int64_t>(KnobType::kInt, std::move(path), std::move(unit), min, max, {},
                                     src, std::move(desc), std::move(note), f);
}

template <typename C>
KnobOf<C> real_knob(std::string path, std::string unit, double min, double max, P src,
                    std::string desc, std::string note, Field<C, double> f) {
  return field_knob<C, double>(KnobType::kDouble, std::move(path), std::move(unit), min, max, {},
                               src, std::move(desc), std::move(note), f);
}

template <typename C>
KnobOf<C> string_knob(std::string path, std::vector<std::string> choices, P src, std::string desc,
                      std::string note, Field<C, std::string> f) {
  return field_knob<C, std::string>(KnobType::kString, std::move(path), "", 0, 0,
                                    std::move(choices), src, std::move(desc), std::move(note), f);
}

template <typename C>
KnobOf<C> list_knob(std::string path, std::string unit, double min, double max, P src,
                    std::string desc, std::string note, Field<C, std::vector<std::int64_t>> f) {
  return field_knob<C, std::vector<std::int64_t>>(KnobType::kIntList, std::move(path),
                                                  std::move(unit), min, max, {}, src,
                                                  std::move(desc), std::move(note), f);
}

// `k` (a knob of sub-struct S) as a knob of C under `prefix`, reaching S through `sub`.
template <typename C, typename S>
KnobOf<C> lift(const KnobOf<S>& k, const std::string& prefix, Field<C, S> sub) {
  KnobOf<C> out;
  static_cast<KnobInfo&>(out) = k;
  out.path = prefix + "." + k.path;
  out.get = [g = k.get, sub](const C& c) { return g(sub(const_cast<C&>(c))); };
  out.set = [s = k.set, sub](C& c, const Json& v) { s(sub(c), v); };
  return out;
}

// The knobs of one sub-struct table, lifted.
template <typename C, typename S>
void add_lifted(std::vector<KnobOf<C>>& out, const std::vector<KnobOf<S>>& table,
                const std::string& prefix, Field<C, S> sub) {
  for (const auto& k : table) out.push_back(lift(k, prefix, sub));
}

}  // namespace maia::knob_builders
