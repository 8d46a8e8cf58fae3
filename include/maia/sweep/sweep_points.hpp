#pragma once
// The points of a sweep: the spec's axes expanded (cross product of factors, zip groups moving
// together), each point resolved to the exact inputs of one maia-sim run (complete chip config,
// run options with files resolved), checked against the constraints, and fingerprinted.
#include <cstdint>
#include <functional>
#include <memory>
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

// The points of a spec, computed one at a time: point i is the i-th element of the cross product
// of the factors (a lone axis, or the axes of one zip group moving together), the first factor
// slowest, i.e. i written in the mixed radix of the factors' sizes. Nothing is held per point,
// so a 1,000,000-point spec costs no more memory than a 4-point one. Not thread-safe (it caches
// resolved files).
class SweepPointSpace {
 public:
  // Parses a point's maia-sim run arguments; InputError on a bad one.
  using RunArgsCheck = std::function<void(const std::vector<std::string>&)>;

  // `spec` and `ctx` must outlive the space. InputError (file, JSON path, values) when two
  // values of one factor are equal (every point would come twice).
  SweepPointSpace(const SweepSpec& spec, const SweepContext& ctx, RunArgsCheck check = {});
  ~SweepPointSpace();
  SweepPointSpace(const SweepPointSpace&) = delete;
  SweepPointSpace& operator=(const SweepPointSpace&) = delete;

  std::int64_t size() const { return total_; }
  // The id of point `index` (from its coordinates only: cheap).
  std::string id(std::int64_t index) const;
  // Point `index` resolved: chip config, options with files, constraints, input hash.
  // InputError (spec file, JSON path or the point's values) for anything that would fail every
  // time: a missing file, an unknown model, a run option value maia-sim run refuses.
  SweepPoint at(std::int64_t index) const;

 private:
  struct Files;
  std::vector<std::size_t> picks(std::int64_t index) const;
  nlohmann::ordered_json coordinates(const std::vector<std::size_t>& pick) const;

  const SweepSpec& spec_;
  const SweepContext& ctx_;
  RunArgsCheck check_;
  std::vector<std::vector<std::size_t>> factors_;  // axis indices of each factor
  std::int64_t total_ = 1;
  std::unique_ptr<Files> files_;
};

// The maia-sim run arguments of a point (after "run"), its chip config at `chip_file` and its
// outputs into `out_dir`.
std::vector<std::string> point_run_args(const SweepPoint& p, const SweepContext& ctx,
                                        const std::string& chip_file, const std::string& out_dir);

// "batch=8 hbm.stacks=4": a point's coordinates for messages.
std::string point_label(const SweepPoint& p);

}  // namespace maia
