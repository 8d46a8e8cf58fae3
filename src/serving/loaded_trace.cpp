#include "maia/serving/loaded_trace.hpp"

#include "maia/core/error.hpp"

namespace maia {

void LoadedTrace::reject_row(const std::string& message, bool skip_bad_rows) {
  if (!skip_bad_rows) throw InputError(message);
  ++skipped_rows;
  if (skipped.size() < kKeptMessages) skipped.push_back(message);
}

}  // namespace maia
