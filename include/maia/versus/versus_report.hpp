#pragma once
// The side-by-side table of `maia-sim versus`: per chip, the tensor-parallel degree it ran at,
// throughput, TTFT/TPOT percentiles and tokens/s per chip, per watt of TDP and per dollar.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maia/versus/versus_run.hpp"

namespace maia {

// A fixed-width text table (one line per chip; errors in place of figures).
std::string versus_table(const std::vector<VersusResult>& results);

// The same as JSON (an array, chips in order), for scripts.
nlohmann::ordered_json versus_json(const std::vector<VersusResult>& results);

// The same as CSV (header and one row per chip).
std::string versus_csv(const std::vector<VersusResult>& results);

}  // namespace maia
