#include "maia/sweep/chip_figures.hpp"

#include "maia/backend/make_backend.hpp"

namespace maia {

std::vector<ChipFigure> chip_figures(const ChipConfig& c) { return make_backend(c)->figures(); }

std::optional<double> chip_figure(const ChipConfig& c, const std::string& name) {
  for (const auto& f : chip_figures(c))
    if (f.name == name) return f.value;
  return std::nullopt;
}

}  // namespace maia
