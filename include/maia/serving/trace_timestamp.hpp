#pragma once
// Exact parsing of trace timestamps "YYYY-MM-DD hh:mm:ss[.fraction]" (Azure LLM inference
// trace): proleptic Gregorian calendar, no time zone, no locale, integer arithmetic only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maia {

// Nanoseconds since 1970-01-01 00:00:00 of the (time-zone-less) timestamp. The date and time
// are separated by one space or 'T'; the fraction has 1 to 9 digits and may be absent; years
// 1900-2199. On a malformed timestamp returns nullopt and, if `why` is given, sets it to the
// broken rule (e.g. "month must be 01-12").
std::optional<std::int64_t> parse_trace_timestamp_ns(std::string_view text,
                                                     std::string* why = nullptr);

}  // namespace maia
