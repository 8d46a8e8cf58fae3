#pragma once
// DIR/sweep.json, the manifest of a sweep output folder: which spec wrote it (path, name and a
// hash of its contents), the number of points and their ids in point order (for sweep-merge and
// for people). A folder belongs to one spec: a sweep with a different spec is refused unless it
// is told to take the folder over, so that results are never silently replaced.
#include <string>

#include "maia/sweep/sweep_points.hpp"

namespace maia {

// Hash of a spec's contents as parsed (formatting and key order do not count).
std::string sweep_spec_hash(const SweepSpec& spec);

// InputError when `out_dir` holds the manifest of a different spec (or one that predates spec
// hashes) and `take_over` is false: the message names both specs and how to proceed.
void check_sweep_owner(const std::string& out_dir, const SweepSpec& spec, bool take_over);

// Writes DIR/sweep.json (atomically), the ids computed one at a time; InputError when two points
// have the same id (a hash collision: they would share DIR/points/<id>/).
void write_sweep_manifest(const std::string& out_dir, const SweepSpec& spec,
                          const SweepPointSpace& space);

}  // namespace maia
