#pragma once
// The points of a sweep: the spec's axes expanded (cross product of factors, zip groups moving
// together), each point resolved to the exact inputs of one maia-sim run (complete chip config,
// run options with files resolved), checked against the constraints, and fingerprinted.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/sweep/sweep_spec.hpp"

namespace maia {

struct SweepPoint {
  std::int64_t index = 0;  // position in the expansion (first axis slowest)
  std::string id;          // stable name from the point's coordinates: DIR/points/<id>/
  nlohmann::ordered_json params = nlohmann::ordered_json::object();   // axis values, base params
  nlohmann::ordered_json options = nlohmann::ordered_json::object();  // run options, resolved
  std::string chip_json;    // the complete resolved chip config the point runs
  std::string skip_reason;  // non-empty: a constraint (or the chip config rules) rule it out
  std::string input_hash;   // of everything that determines its result
};

// Expands and resolves every point. InputError (spec file, JSON path or the point's values) for
// anything that would fail every time: a missing file, an unknown model, a run option value that
// maia-sim run refuses, two axes values giving the same point. `check_run_args`, when given,
// parses a point's maia-sim run arguments and throws InputError on a bad one.
std::vector<SweepPoint> expand_sweep(
    const SweepSpec& spec, const SweepContext& ctx,
    const std::function<void(const std::vector<std::string>&)>& check_run_args = {});

// The maia-sim run arguments of a point (after "run"), its chip config at `chip_file` and its
// outputs into `out_dir`.
std::vector<std::string> point_run_args(const SweepPoint& p, const SweepContext& ctx,
                                        const std::string& chip_file, const std::string& out_dir);

// "batch=8 hbm.stacks=4": a point's coordinates for messages.
std::string point_label(const SweepPoint& p);

}  // namespace maia
