#include "maia/serving/trace_timestamp.hpp"

namespace maia {

namespace {

// Reads exactly `n` decimal digits at `pos`; false if any is not a digit.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, std::int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::int64_t days_in_month(std::int64_t y, std::int64_t m) {
  static constexpr std::int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<std::int64_t> fail(std::string* why, const char* rule) {
  if (why) *why = rule;
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> parse_trace_timestamp_ns(std::string_view s, std::string* why) {
  // Fixed layout: YYYY-MM-DD?hh:mm:ss then optionally .f{1,9}
  std::int64_t year, month, day, hour, minute, second;
  if (s.size() < 19 || !read_digits(s, 0, 4, year) || s[4] != '-' || !read_digits(s, 5, 2, month) ||
      s[7] != '-' || !read_digits(s, 8, 2, day) || (s[10] != ' ' && s[10] != 'T') ||
      !read_digits(s, 11, 2, hour) || s[13] != ':' || !read_digits(s, 14, 2, minute) ||
      s[16] != ':' || !read_digits(s, 17, 2, second))
    return fail(why, "layout must be YYYY-MM-DD hh:mm:ss[.fraction]");
  std::int64_t fraction_ns = 0;
  if (s.size() > 19) {
    const std::size_t digits = s.size() - 20;
    if (s[19] != '.' || digits < 1 || digits > 9 || !read_digits(s, 20, digits, fraction_ns))
      return fail(why, "fraction must be '.' and 1-9 digits");
    for (std::size_t i = digits; i < 9; ++i) fraction_ns *= 10;
  }
  // From the epoch on, so that the difference of two timestamps in ns never overflows.
  if (year < 1970 || year > 2199) return fail(why, "year must be 1970-2199");
  if (month < 1 || month > 12) return fail(why, "month must be 01-12");
  if (day < 1 || day > days_in_month(year, month)) return fail(why, "day must exist in the month");
  if (hour > 23) return fail(why, "hour must be 00-23");
  if (minute > 59) return fail(why, "minute must be 00-59");
  if (second > 59) return fail(why, "second must be 00-59");
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1'000'000'000 + fraction_ns;
}

}  // namespace maia
