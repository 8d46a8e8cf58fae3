#pragma once
// The process exit codes of every maia-sim command, one per outcome (README.md, "Exit codes").
// The library returns them where an outcome is its own verdict (a comparison's), so the CLI and
// child processes (sweep points, regression cases) agree on their meaning.

namespace maia {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;    // config, model, trace, program, flag: named error
inline constexpr int kExitSimError = 3;    // the simulation cannot complete (deadlock, limits)
inline constexpr int kExitRegression = 4;  // compare/regress: a metric moved beyond tolerance
inline constexpr int kExitInternal = 70;   // a bug in maia-sim (sysexits' EX_SOFTWARE): report it

}  // namespace maia
