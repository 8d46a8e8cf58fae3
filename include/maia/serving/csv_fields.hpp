#pragma once
// Small helpers of the trace readers: line clean-up (JSONL), strict integers and quoting of
// offending values in error messages. CSV records themselves are read by maia/core/csv.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maia {

// Removes a trailing '\r' (CRLF files) and, if `first_line`, a UTF-8 byte-order mark.
void clean_csv_line(std::string& line, bool first_line);

// A decimal integer with optional leading '-', nothing else (no spaces, no '+'); nullopt if the
// text is not one or does not fit in 64 bits.
std::optional<std::int64_t> parse_csv_integer(std::string_view text);

// `text` in double quotes for an error message, cut to about 80 characters.
std::string quote_value(std::string_view text);

}  // namespace maia
