#include "maia/config/provenance.hpp"

#include <array>
#include <utility>

namespace maia {
namespace {

struct Names {
  Provenance p;
  std::string_view code;
  std::string_view tag;
};

constexpr std::array<Names, 6> kNames = {{
    {Provenance::kOfficial, "O", "official"},
    {Provenance::kSecondHand, "O2", "second-hand"},
    {Provenance::kInferred, "I", "inferred"},
    {Provenance::kStandard, "S", "standard"},
    {Provenance::kAssumption, "A", "assumption"},
    {Provenance::kCalibrated, "C", "calibrated"},
}};

}  // namespace

std::string_view provenance_tag(Provenance p) {
  for (const auto& n : kNames)
    if (n.p == p) return n.tag;
  return "?";
}

std::string_view provenance_code(Provenance p) {
  for (const auto& n : kNames)
    if (n.p == p) return n.code;
  return "?";
}

std::optional<Provenance> parse_provenance_code(std::string_view code) {
  for (const auto& n : kNames)
    if (n.code == code) return n.p;
  return std::nullopt;
}

std::string_view provenance_codes_text() { return "O, O2, I, S, A, C"; }

}  // namespace maia
