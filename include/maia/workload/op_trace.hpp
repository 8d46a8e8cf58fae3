#pragma once
// Operator traces: an OperatorGraph as JSON (docs/workloads.md, docs/op-trace.schema.json), so a
// graph can be saved, edited, or converted from elsewhere. write then read gives the same graph.
#include <string>

#include <nlohmann/json.hpp>

#include "maia/workload/operator_graph.hpp"

namespace maia {

nlohmann::ordered_json op_trace_to_json(const OperatorGraph& g);
void write_op_trace(const OperatorGraph& g, const std::string& file);

// Strict reading: unknown keys, wrong types, bad dependencies are InputErrors with file and JSON
// path. Costs and signature may be omitted; they are then derived with generic_cost/op_signature.
OperatorGraph parse_op_trace(const nlohmann::json& doc, const std::string& file);
OperatorGraph read_op_trace(const std::string& file);

}  // namespace maia
