#pragma once
// The contract of a fuzz target (docs/hardening.md): each fuzz_<target>.cpp defines run_input(),
// which hands the bytes to one parser of libmaia. A parser may accept the input or reject it
// with maia::InputError (or SimulationError); anything else (another exception, a crash, a hang,
// a sanitizer report) is a finding. The same target file is linked with libFuzzer (build-fuzz/,
// clang) and with the replay driver (the normal build, g++), so regressions replay in ctest.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace maia::fuzz {

// Defined by each target: parse `data` (throws on bad input).
void run_input(std::string_view data);

enum class Outcome { kAccepted, kRejected };

// Runs run_input on one input: kRejected for InputError/SimulationError, kAccepted when it
// returned; any other exception is printed on stderr and aborts (a finding).
Outcome run_one(std::string_view data);

// Writes `data` to `name` in this process's scratch directory (made once, removed at exit) and
// returns its path: for parsers that read a file.
std::string input_file(std::string_view data, const std::string& name);

// The scratch directory itself (e.g. to place files an input may refer to).
const std::string& scratch_dir();

// The repository root this binary was built from (configs/, examples/, traces/).
std::string source_dir();

}  // namespace maia::fuzz
