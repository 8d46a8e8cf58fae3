#pragma once
// The row-planning settings `validate` and `calibrate` share: where the chip configs and models
// are, how many requests a serving row may simulate, and the ShareGPT lengths the benchmarks
// sampled (written into the command's own folder).
#include <cstdint>
#include <string>

#include "maia/validation/row_plan.hpp"

namespace maia::cli {

// `configs_dir` empty: configs/ beside the default chip; `length_table` empty: the shipped
// ShareGPT table (traces/ beside configs/). `work_dir` must exist.
ValidationSettings validation_plan(const std::string& configs_dir, std::string length_table,
                                   const std::string& work_dir, std::int64_t max_requests);

}  // namespace maia::cli
