#pragma once
// The same workload on several chips, side by side (`maia-sim versus`): each chip runs as a child
// `maia-sim run` (one chip model per process), with the smallest tensor-parallel degree whose
// weights and KV cache fit unless one is given, and its figures (TDP) from its config.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace maia {

struct VersusChip {
  std::string name;     // as given (maia200, h100-sxm, or a file)
  std::string file;     // the chip config
  std::int64_t tp = 0;  // 0: the smallest of 1, 2, 4, 8 that fits
  double tdp_w = 0;
  double price_per_hour = 0;  // USD per chip-hour; 0: not given
  std::int64_t max_tp = 1;    // the chip kind's tensor-parallel limit
};

struct VersusSettings {
  std::string exe;                    // the maia-sim binary
  std::string out_dir;                // each chip's run goes to out_dir/<config file stem>/
  std::vector<std::string> run_args;  // maia-sim run arguments common to every chip
  int jobs = 1;
};

struct VersusResult {
  VersusChip chip;
  std::int64_t tp = 1;  // as run
  std::string error;    // not empty: the chip could not run the workload
  std::string run_dir;
  double output_tokens_per_s = 0;  // the tensor-parallel group's
  double output_tokens_per_s_per_chip = 0;
  double ttft_p50_ms = 0, ttft_p99_ms = 0, tpot_p50_ms = 0, tpot_p99_ms = 0;
  double tokens_per_s_per_watt() const;  // per chip, over its TDP
  double tokens_per_dollar() const;      // per chip-hour price; 0 when no price
};

// The chip config file of a name: a path to a .json file, or configs/<name>.json, or
// configs/gpus/<name>.json below `configs_dir`; InputError listing the names found otherwise.
std::string resolve_chip_file(const std::string& name, const std::string& configs_dir);

// Runs every chip; results in the order of `chips`.
std::vector<VersusResult> run_versus(const std::vector<VersusChip>& chips, const VersusSettings& s,
                                     const std::function<void(const VersusResult&)>& on_done = {});

}  // namespace maia
