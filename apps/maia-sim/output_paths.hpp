#pragma once
// Output paths are checked before anything is simulated, so a run that cannot write its results
// fails in a second with the path and the reason, not after an hour with a 0-byte file.
#include <string>

namespace maia::cli {

// Creates `dir` (and parents) if needed and proves it writable; InputError naming `flag`.
void check_output_dir(const std::string& dir, const std::string& flag);
// Proves `file` can be created or overwritten (its folder exists and is writable, it is not a
// folder); leaves no file behind that was not there. InputError naming `flag`.
void check_output_file(const std::string& file, const std::string& flag);

}  // namespace maia::cli
