#pragma once
// Where a configured value comes from: the tags of ../shared/spec/maia200.md, plus `C` for values
// fitted to measurements by `maia-sim calibrate`. Knob tables carry one per knob; GPU config files
// carry one per value ("provenance": {"<knob path>": "<TAG>: <note>"}).
#include <optional>
#include <string_view>

namespace maia {

enum class Provenance {
  kOfficial,    // O: the vendor (blog, architecture deep dive, whitepaper, datasheet)
  kSecondHand,  // O2: official, via second-hand summaries of talks and papers
  kInferred,    // I: arithmetic on public values
  kStandard,    // S: JEDEC / PCI-SIG structure or public presets for the part
  kAssumption,  // A: nothing public; a plausible value, kept as a knob
  kCalibrated,  // C: fitted to measurements by `maia-sim calibrate`
};

// Long name shown in knob tables ("official", "calibrated").
std::string_view provenance_tag(Provenance p);
// Short tag used in config files and the spec ("O", "O2", "C").
std::string_view provenance_code(Provenance p);
// The provenance of a short tag; nullopt when `code` is none of O, O2, I, S, A, C.
std::optional<Provenance> parse_provenance_code(std::string_view code);
// "O, O2, I, S, A, C", for error messages.
std::string_view provenance_codes_text();

}  // namespace maia
