#pragma once
// The simulator's timing model version. Cached measurements (maia/cache) are keyed by it, so an
// entry measured by an older model is never used again.
//
// EVERY CHANGE THAT CAN MOVE A SIMULATED NUMBER (a timing rule, a kernel's lowering, a default
// schedule, what a measurement records) MUST BUMP THIS CONSTANT in the same commit. Changes
// that only add knobs need not: the resolved config is part of the key (docs/cache.md).
namespace maia {

inline constexpr int kModelVersion = 1;

}  // namespace maia
