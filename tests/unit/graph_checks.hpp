#pragma once
// Small helpers shared by the unit tests that inspect operator graphs and input errors.
#include <string>

#include <gtest/gtest.h>

#include "maia/core/error.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia::test {

// The message of the InputError `f` throws ("" when it throws none).
template <typename F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The operator `name` of decoder layer `layer` (-1: outside the layers); a test failure when
// there is none.
inline const Operator& find_op(const OperatorGraph& g, const std::string& name, int layer) {
  for (const auto& op : g.ops)
    if (op.name == name && op.layer == layer) return op;
  ADD_FAILURE() << "no operator " << name << " in layer " << layer;
  static const Operator none;
  return none;
}

}  // namespace maia::test
