#pragma once
// A sweep spec (docs/sweeps.md): a base run (chip config, model, maia-sim run options) and axes
// that vary chip knobs, run options or free parameters, combined as a cross product or zipped in
// named groups, with constraints that skip invalid points. Loading validates everything up front
// (knob paths, option names, value types and ranges, constraint names) so that a typo fails the
// whole spec with the file, the JSON path and a nearest-name suggestion.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/sweep/constraint_expr.hpp"

namespace maia {

// One option of maia-sim run, as the sweep sees it.
struct RunOptionInfo {
  std::string name;  // long name without dashes in front: batch, max-num-seqs, exact
  bool takes_value;  // false: a flag (--exact), given as true/false in a spec
};

// What a spec is validated and resolved against.
struct SweepContext {
  std::vector<RunOptionInfo> run_options;  // maia-sim run's option set
  std::string project_root;                // second place relative paths resolve against
  std::string models_dir;                  // for model short names (configs/models)
  std::string default_chip;                // chip config when the base names none
};

enum class AxisKind { kChipPath, kRunOption, kParam };

struct SweepAxis {
  AxisKind kind;
  std::string name;                    // knob path, run option name or parameter name
  std::vector<nlohmann::json> values;  // as written (ranges expanded)
  std::string zip;                     // group name; empty: its own factor of the cross product
  std::string where;                   // JSON path in the spec, for messages
};

struct SweepConstraint {
  ConstraintExpr expr;
  std::string text, reason, where;
};

struct SweepSpec {
  std::string file;  // the spec file as given
  std::string dir;   // its folder: the first place relative paths resolve against
  std::string name;
  std::string chip;                                                   // base chip config, resolved
  nlohmann::ordered_json sets = nlohmann::ordered_json::object();     // base knob overrides
  nlohmann::ordered_json options = nlohmann::ordered_json::object();  // base run options
  nlohmann::ordered_json params = nlohmann::ordered_json::object();   // base free parameters
  std::vector<SweepAxis> axes;
  std::vector<SweepConstraint> constraints;
};

// Loads and validates a spec; InputError naming the file, the JSON path, the rule and the value.
SweepSpec load_sweep_spec(const std::string& file, const SweepContext& ctx);

// Resolves a path from a spec: absolute as is; else against the spec's folder if it exists
// there, else against the project root (absolute result). Empty when found in neither.
std::string resolve_spec_path(const std::string& path, const std::string& spec_dir,
                              const std::string& project_root);

// Run options whose value is a file (resolved like spec paths, hashed by content).
bool is_file_option(const std::string& name);

// Largest number of points a spec may expand to.
inline constexpr std::int64_t kMaxSweepPoints = 1000000;

}  // namespace maia
