#include "maia/sweep/chip_figures.hpp"

#include <algorithm>

#include "maia/backend/make_backend.hpp"

namespace maia {

std::vector<ChipFigure> chip_figures(const AnyChipConfig& c) { return make_backend(c)->figures(); }

std::optional<double> chip_figure(const AnyChipConfig& c, const std::string& name) {
  for (const auto& f : chip_figures(c))
    if (f.name == name) return f.value;
  return std::nullopt;
}

std::vector<std::string> chip_figure_names() {
  std::vector<std::string> out;
  for (const AnyChipConfig& kind : {AnyChipConfig{ChipConfig{}}, AnyChipConfig{GpuConfig{}}})
    for (const auto& f : chip_figures(kind))
      if (std::find(out.begin(), out.end(), f.name) == out.end()) out.push_back(f.name);
  return out;
}

}  // namespace maia
