#pragma once
// Puts a trace's requests in arrival order: a stable sort (rows that arrive together keep their
// file order), then ids 0..n-1 in that order.
#include <vector>

#include "maia/serving/request.hpp"

namespace maia {

void order_by_arrival(std::vector<Request>& requests);

}  // namespace maia
