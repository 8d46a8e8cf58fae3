#pragma once
// The small expression language of sweep constraints (docs/sweeps.md): numbers, "strings",
// names (chip.<figure or knob>, run options, params), + - * /, comparisons < <= > >= == !=,
// && || ! and parentheses. Parsed once, evaluated per point; nothing else can run.
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace maia {

using ExprValue = std::variant<double, std::string>;

// Deepest nesting an expression may have (parentheses, '!' and '-' in a row, operator chains).
inline constexpr int kMaxExprDepth = 256;

class ConstraintExpr {
 public:
  // Parses `text`; InputError "<where>: <rule> at column N" on a syntax error or nesting deeper
  // than kMaxExprDepth (quoting at most the first 80 characters of `text`).
  static ConstraintExpr parse(const std::string& text, const std::string& where);

  // Every name the expression refers to, in order of appearance.
  const std::vector<std::string>& names() const { return names_; }

  // Evaluates with `lookup` giving each name's value; InputError (naming `where`) on a type
  // error (a string in arithmetic, a number where a truth value is needed, division by zero).
  bool holds(const std::function<ExprValue(const std::string&)>& lookup) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::string> names_;
  std::string where_;
};

}  // namespace maia
