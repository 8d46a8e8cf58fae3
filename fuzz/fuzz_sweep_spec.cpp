// Fuzz target: a sweep spec (load_sweep_spec). Relative paths in it resolve against the
// repository, as for `maia-sim sweep` run from there; the run options are a fixed subset of
// maia-sim run's (the real set lives in the CLI, which the fuzz build does not link).
#include "fuzz_target.hpp"
#include "maia/sweep/sweep_spec.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  static const SweepContext ctx = [] {
    SweepContext c;
    for (const char* name :
         {"model", "batch", "prompt", "gen", "weights", "activations", "kv", "decode-stride",
          "trace", "max-requests", "duration", "max-num-seqs", "max-batched-tokens", "rate",
          "input-tokens", "output-tokens", "length-table", "seed", "tp"})
      c.run_options.push_back({name, true});
    for (const char* name : {"exact", "no-memo", "no-overlap", "no-prefix-cache", "skip-bad-rows"})
      c.run_options.push_back({name, false});
    c.project_root = source_dir();
    c.models_dir = source_dir() + "/configs/models";
    c.default_chip = source_dir() + "/configs/maia200.json";
    return c;
  }();
  load_sweep_spec(input_file(data, "sweep.json"), ctx);
}

}  // namespace maia::fuzz
