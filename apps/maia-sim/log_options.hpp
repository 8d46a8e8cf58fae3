#pragma once
// The global logging flags of every maia-sim command: --log-level LEVEL (or --log-level=LEVEL),
// -v (info) and -vv (debug). They are taken out of the arguments before the sub-command parses
// its own options.
#include <string>
#include <vector>

namespace maia::cli {

// Removes the logging flags from `args` (up to a "--") and sets the library logger's level;
// InputError naming the flag and the valid levels for a bad or missing level.
void apply_log_options(std::vector<std::string>& args);

}  // namespace maia::cli
