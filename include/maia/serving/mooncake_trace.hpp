#pragma once
// Reader of Mooncake (FAST'25) JSONL traces: one object per line with `timestamp` (ms),
// `input_length`, `output_length` and `hash_ids` (512-token prefix block hashes; optional).
// Arrival = (timestamp - earliest timestamp) / 1000; requests are sorted stably by arrival.
// Unknown keys are errors. Errors name the file, the 1-based line, the key, rule and value.
#include <istream>
#include <string>

#include "maia/serving/loaded_trace.hpp"

namespace maia {

LoadedTrace read_mooncake_trace(std::istream& in, const std::string& name, bool skip_bad_rows);
LoadedTrace read_mooncake_trace_file(const std::string& file, bool skip_bad_rows);

}  // namespace maia
