#pragma once
// What a trace reader returns: the requests plus an account of the malformed rows it skipped
// (only with skip_bad_rows; otherwise the first malformed row is an InputError).
#include <cstdint>
#include <string>
#include <vector>

#include "maia/serving/request.hpp"

namespace maia {

struct LoadedTrace {
  std::vector<Request> requests;
  std::int64_t skipped_rows = 0;     // malformed rows left out
  std::vector<std::string> skipped;  // the messages of the first few of them

  static constexpr std::size_t kKeptMessages = 5;

  // A malformed row: throws InputError(message) unless skip_bad_rows, else counts it.
  void reject_row(const std::string& message, bool skip_bad_rows);
};

}  // namespace maia
