#pragma once
// Measurements kept across processes: the executor asks for the measurements of a request by
// its canonical description (everything that can change them, as text; the store addresses it
// by a hash of it) before simulating, and stores what it simulated. An implementation may
// forget anything at any time: a result never depends on what it holds, only the time taken.
#include <optional>
#include <string>
#include <vector>

#include "maia/report/op_measurement.hpp"

namespace maia {

class MeasurementCache {
 public:
  virtual ~MeasurementCache() = default;
  // The measurements stored under exactly `description`, or nothing (never stored, evicted,
  // unreadable or corrupt: the caller simulates).
  virtual std::optional<std::vector<OpMeasurement>> find(const std::string& description) = 0;
  virtual void store(const std::string& description, const std::vector<OpMeasurement>& value) = 0;
};

}  // namespace maia
