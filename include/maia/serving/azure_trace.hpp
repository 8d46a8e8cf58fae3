#pragma once
// Reader of the Azure LLM inference trace 2023 CSV: header TIMESTAMP,ContextTokens,GeneratedTokens
// then one request per row. Arrival = seconds since the earliest timestamp (the first row in the
// published, time-ordered files), computed exactly in integer nanoseconds; requests are sorted
// stably by arrival. Errors name the file, the 1-based line, the rule and the value.
#include <istream>
#include <string>

#include "maia/serving/loaded_trace.hpp"

namespace maia {

LoadedTrace read_azure_trace(std::istream& in, const std::string& name, bool skip_bad_rows);
LoadedTrace read_azure_trace_file(const std::string& file, bool skip_bad_rows);

}  // namespace maia
