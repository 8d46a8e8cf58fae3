#pragma once
// Errors. InputError is for anything a user handed us (config, program, trace): its message
// names where (file and JSON path or line), the rule that was broken and the offending value.
// SimulationError is for a run that cannot complete (deadlock, capacity), with the numbers.
#include <stdexcept>
#include <string>

namespace maia {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace maia
