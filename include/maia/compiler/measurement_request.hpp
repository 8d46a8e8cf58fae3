#pragma once
// One simulation the executor makes (a leaf of its scheduling): an operator on its own, with
// its prefetch role, CSRAM half and weight residency, or a window of operators merged into one
// phase. Its description is the measurement cache's key: the model version, every knob of the
// resolved chip config and the request with its operators in full (op-trace form), so anything
// that can change the measurement changes the key. The description also lets a cached entry be
// re-simulated (maia-sim cache verify).
#include <string>

#include <nlohmann/json.hpp>

#include "maia/config/chip_config.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {

struct MeasurementRequest {
  enum class Kind { kOperator, kWindow };
  Kind kind = Kind::kOperator;
  // kOperator: the operator, then the next one when it prefetches its weights; kWindow: the
  // window's operators. Layers are -1 and dependencies only those inside the request,
  // renumbered from 0 (nothing else changes a measurement).
  OperatorGraph ops;
  bool prefetched_in = false;     // kOperator: its first weight panels were prefetched
  bool prefetches_next = false;   // kOperator: it also loads ops[1]'s first weights
  int parity = 0;                 // kOperator: the CSRAM half and HBM region it uses
  bool weights_resident = false;  // kOperator: its weights stay in CSRAM
};

// The operators [begin, end) of `graph` as a request's operators (layers -1, inner deps only).
OperatorGraph request_operators(const OperatorGraph& graph, std::size_t begin, std::size_t end);

// The canonical description: compact JSON, keys in a fixed order. `chip` is
// chip_config_to_json of the config (computed once by the caller).
std::string describe_measurement(const nlohmann::ordered_json& chip, const MeasurementRequest& r);

struct DescribedMeasurement {
  int model_version = 0;
  nlohmann::json chip;  // the config as chip_config_to_json wrote it
  MeasurementRequest request;
};
// Reads a description back; InputError naming `where` when it is not one.
DescribedMeasurement parse_measurement_description(const std::string& description,
                                                   const std::string& where);

}  // namespace maia
