// Fuzz target: a sweep constraint expression (ConstraintExpr::parse), then its evaluation with
// every name bound to a number or a string (chosen from the name), so both parser and evaluator
// see the input.
#include <string>

#include "fuzz_target.hpp"
#include "maia/sweep/constraint_expr.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) {
  const ConstraintExpr e = ConstraintExpr::parse(std::string(data), "constraints[0].expr");
  e.holds([](const std::string& name) -> ExprValue {
    if (name.size() % 2 == 0) return ExprValue(std::string(name));
    return ExprValue(static_cast<double>(name.size()) - 3.0);
  });
}

}  // namespace maia::fuzz
