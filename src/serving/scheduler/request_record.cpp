#include "maia/serving/scheduler/request_record.hpp"

namespace maia {

const char* to_string(RequestStatus status) {
  switch (status) {
    case RequestStatus::kWaiting:
      return "waiting";
    case RequestStatus::kRunning:
      return "running";
    case RequestStatus::kCompleted:
      return "completed";
    case RequestStatus::kRejected:
      return "rejected";
  }
  return "unknown";
}

std::optional<double> RequestRecord::ttft_s() const {
  if (!first_token_s) return std::nullopt;
  return *first_token_s - arrival_s;
}

std::optional<double> RequestRecord::e2e_s() const {
  if (!finish_s) return std::nullopt;
  return *finish_s - arrival_s;
}

std::optional<double> RequestRecord::queueing_delay_s() const {
  if (!first_scheduled_s) return std::nullopt;
  return *first_scheduled_s - arrival_s;
}

std::optional<double> RequestRecord::tpot_s() const {
  if (!finish_s || !first_token_s || generated < 2) return std::nullopt;
  return (*finish_s - *first_token_s) / static_cast<double>(generated - 1);
}

std::vector<double> RequestRecord::inter_token_s() const {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < token_times_s.size(); ++i)
    gaps.push_back(token_times_s[i] - token_times_s[i - 1]);
  return gaps;
}

}  // namespace maia
