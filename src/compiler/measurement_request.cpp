#include "maia/compiler/measurement_request.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/model_version.hpp"
#include "maia/workload/op_trace.hpp"

namespace maia {

OperatorGraph request_operators(const OperatorGraph& graph, std::size_t begin, std::size_t end) {
  OperatorGraph g;
  g.name = "measurement";
  for (std::size_t i = begin; i < end; ++i) {
    Operator op = graph.ops[i];
    op.layer = -1;
    op.deps.clear();
    for (int d : graph.ops[i].deps)
      if (d >= static_cast<int>(begin)) op.deps.push_back(d - static_cast<int>(begin));
    g.ops.push_back(std::move(op));
  }
  return g;
}

std::string describe_measurement(const nlohmann::ordered_json& chip, const MeasurementRequest& r) {
  nlohmann::ordered_json req;
  req["kind"] = r.kind == MeasurementRequest::Kind::kOperator ? "operator" : "window";
  req["prefetched_in"] = r.prefetched_in;
  req["prefetches_next"] = r.prefetches_next;
  req["parity"] = r.parity;
  req["weights_resident"] = r.weights_resident;
  req["operators"] = op_trace_to_json(r.ops);
  nlohmann::ordered_json d;
  d["model_version"] = kModelVersion;
  d["chip"] = chip;
  d["request"] = std::move(req);
  return d.dump();
}

DescribedMeasurement parse_measurement_description(const std::string& description,
                                                   const std::string& where) {
  try {
    const nlohmann::json d = nlohmann::json::parse(description);
    DescribedMeasurement out;
    out.model_version = d.at("model_version").get<int>();
    out.chip = d.at("chip");
    const nlohmann::json& req = d.at("request");
    const std::string kind = req.at("kind").get<std::string>();
    if (kind != "operator" && kind != "window")
      throw InputError(fmt::format("{}: request.kind: unknown kind \"{}\"", where, kind));
    out.request.kind = kind == "operator" ? MeasurementRequest::Kind::kOperator
                                          : MeasurementRequest::Kind::kWindow;
    out.request.prefetched_in = req.at("prefetched_in").get<bool>();
    out.request.prefetches_next = req.at("prefetches_next").get<bool>();
    out.request.parity = req.at("parity").get<int>();
    out.request.weights_resident = req.at("weights_resident").get<bool>();
    out.request.ops = parse_op_trace(req.at("operators"), where + ": request.operators");
    for (auto& op : out.request.ops.ops) op.layer = -1;
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a measurement description ({})", where, e.what()));
  }
}

}  // namespace maia
