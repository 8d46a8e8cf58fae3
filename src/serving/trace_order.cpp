#include "maia/serving/trace_order.hpp"

#include <algorithm>

namespace maia {

void order_by_arrival(std::vector<Request>& requests) {
  std::stable_sort(requests.begin(), requests.end(),
                   [](const Request& a, const Request& b) { return a.arrival_s < b.arrival_s; });
  for (std::size_t i = 0; i < requests.size(); ++i) requests[i].id = i;
}

}  // namespace maia
