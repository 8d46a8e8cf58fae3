#include "maia/sweep/constraint_expr.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/sweep/bounded_text.hpp"

namespace maia {

struct ConstraintExpr::Node {
  enum class Kind { kNumber, kString, kName, kUnary, kBinary } kind;
  std::string op;  // operator, or the name / string literal
  double number = 0;
  std::shared_ptr<const Node> lhs, rhs;
  int height = 1;  // levels of the tree below and including this node
};

namespace {

using Node = ConstraintExpr::Node;
using NodePtr = std::shared_ptr<const Node>;

// Recursive descent over: or := and ('||' and)*; and := not ('&&' not)*; not := '!' not | cmp;
// cmp := sum (relop sum)?; sum := prod (('+'|'-') prod)*; prod := unary (('*'|'/') unary)*;
// unary := '-' unary | atom; atom := number | "string" | name | '(' or ')'.
// Parsing, evaluating and freeing all recurse, so both the parser's nesting (parentheses, '!',
// unary '-') and the height of the tree (long operator chains) are bounded by kMaxExprDepth.
class Parser {
 public:
  Parser(const std::string& text, const std::string& where, std::vector<std::string>& names)
      : s_(text), where_(where), names_(names) {}

  NodePtr parse_all() {
    NodePtr n = parse_or();
    skip_space();
    if (pos_ < s_.size()) fail(fmt::format("unexpected '{}'", s_.substr(pos_, 1)));
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& rule) const {
    throw InputError(
        fmt::format("{}: {} at column {} of \"{}\"", where_, rule, pos_ + 1, bounded_text(s_)));
  }
  // Counts one level of nesting for the lifetime of a recursive call.
  struct Nest {
    Parser& p;
    explicit Nest(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxExprDepth) p.too_deep();
    }
    ~Nest() { --p.depth_; }
  };
  [[noreturn]] void too_deep() const {
    fail(fmt::format("nested more than {} levels deep", kMaxExprDepth));
  }
  NodePtr node(Node n) {
    n.height = 1 + std::max(n.lhs ? n.lhs->height : 0, n.rhs ? n.rhs->height : 0);
    if (n.height > kMaxExprDepth) too_deep();
    return std::make_shared<Node>(std::move(n));
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(const std::string& tok) {
    skip_space();
    if (s_.compare(pos_, tok.size(), tok) != 0) return false;
    pos_ += tok.size();
    return true;
  }
  NodePtr binary(const std::string& op, NodePtr a, NodePtr b) {
    return node(Node{Node::Kind::kBinary, op, 0, std::move(a), std::move(b)});
  }

  NodePtr parse_or() {
    NodePtr n = parse_and();
    while (accept("||")) n = binary("||", n, parse_and());
    return n;
  }
  NodePtr parse_and() {
    NodePtr n = parse_not();
    while (accept("&&")) n = binary("&&", n, parse_not());
    return n;
  }
  NodePtr parse_not() {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '!' && s_.compare(pos_, 2, "!=") != 0) {
      ++pos_;
      const Nest nest(*this);
      return node(Node{Node::Kind::kUnary, "!", 0, parse_not(), nullptr});
    }
    return parse_cmp();
  }
  NodePtr parse_cmp() {
    NodePtr n = parse_sum();
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">"})
      if (accept(op)) return binary(op, n, parse_sum());
    return n;
  }
  NodePtr parse_sum() {
    NodePtr n = parse_prod();
    while (true) {
      if (accept("+"))
        n = binary("+", n, parse_prod());
      else if (accept("-"))
        n = binary("-", n, parse_prod());
      else
        return n;
    }
  }
  NodePtr parse_prod() {
    NodePtr n = parse_unary();
    while (true) {
      if (accept("*"))
        n = binary("*", n, parse_unary());
      else if (accept("/"))
        n = binary("/", n, parse_unary());
      else
        return n;
    }
  }
  NodePtr parse_unary() {
    if (accept("-")) {
      const Nest nest(*this);
      return node(Node{Node::Kind::kUnary, "-", 0, parse_unary(), nullptr});
    }
    return parse_atom();
  }
  NodePtr parse_atom() {
    skip_space();
    if (pos_ >= s_.size()) fail("expected a value");
    const char c = s_[pos_];
    if (accept("(")) {
      const Nest nest(*this);
      NodePtr n = parse_or();
      if (!accept(")")) fail("expected ')'");
      return n;
    }
    if (c == '"') {
      const auto end = s_.find('"', pos_ + 1);
      if (end == std::string::npos) fail("unterminated string");
      auto n = std::make_shared<Node>(
          Node{Node::Kind::kString, s_.substr(pos_ + 1, end - pos_ - 1), 0, nullptr, nullptr});
      pos_ = end + 1;
      return n;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(s_.substr(pos_), &used);
      } catch (const std::exception&) {
        fail("malformed number");
      }
      pos_ += used;
      return std::make_shared<Node>(Node{Node::Kind::kNumber, "", v, nullptr, nullptr});
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '_' || s_[pos_] == '.'))
        ++pos_;
      const std::string name = s_.substr(start, pos_ - start);
      names_.push_back(name);
      return std::make_shared<Node>(Node{Node::Kind::kName, name, 0, nullptr, nullptr});
    }
    fail(fmt::format("unexpected '{}'", std::string(1, c)));
  }

  const std::string& s_;
  const std::string& where_;
  std::vector<std::string>& names_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

struct Evaluator {
  const std::function<ExprValue(const std::string&)>& lookup;
  const std::string& where;

  [[noreturn]] void fail(const std::string& rule) const {
    throw InputError(fmt::format("{}: {}", where, rule));
  }
  double number(const ExprValue& v, const std::string& op) const {
    if (const double* d = std::get_if<double>(&v)) return *d;
    fail(fmt::format("'{}' needs numbers, got the string \"{}\"", op,
                     bounded_text(std::get<std::string>(v))));
  }

  ExprValue eval(const Node& n) const {
    switch (n.kind) {
      case Node::Kind::kNumber:
        return n.number;
      case Node::Kind::kString:
        return n.op;
      case Node::Kind::kName:
        return lookup(n.op);
      case Node::Kind::kUnary: {
        const double v = number(eval(*n.lhs), n.op);
        return n.op == "-" ? -v : (v == 0 ? 1.0 : 0.0);
      }
      case Node::Kind::kBinary:
        break;
    }
    const std::string& op = n.op;
    if (op == "&&" || op == "||") {  // short-circuit
      const bool a = number(eval(*n.lhs), op) != 0;
      if (op == "&&" && !a) return 0.0;
      if (op == "||" && a) return 1.0;
      return number(eval(*n.rhs), op) != 0 ? 1.0 : 0.0;
    }
    const ExprValue a = eval(*n.lhs), b = eval(*n.rhs);
    if (op == "==" || op == "!=") {
      if (a.index() != b.index()) fail(fmt::format("'{}' compares a number with a string", op));
      return ((a == b) == (op == "==")) ? 1.0 : 0.0;
    }
    const double x = number(a, op), y = number(b, op);
    if (op == "+") return x + y;
    if (op == "-") return x - y;
    if (op == "*") return x * y;
    if (op == "/") {
      if (y == 0) fail("division by zero");
      return x / y;
    }
    if (op == "<") return x < y ? 1.0 : 0.0;
    if (op == "<=") return x <= y ? 1.0 : 0.0;
    if (op == ">") return x > y ? 1.0 : 0.0;
    return x >= y ? 1.0 : 0.0;  // ">="
  }
};

bool is_truth_valued(const Node& n) {
  if (n.kind == Node::Kind::kUnary) return n.op == "!";
  if (n.kind != Node::Kind::kBinary) return false;
  return n.op == "&&" || n.op == "||" || n.op == "<" || n.op == "<=" || n.op == ">" ||
         n.op == ">=" || n.op == "==" || n.op == "!=";
}

}  // namespace

ConstraintExpr ConstraintExpr::parse(const std::string& text, const std::string& where) {
  ConstraintExpr e;
  e.where_ = where;
  Parser p(text, where, e.names_);
  e.root_ = p.parse_all();
  if (!is_truth_valued(*e.root_))
    throw InputError(fmt::format(
        "{}: must be a condition (a comparison, or conditions joined by && || !), got \"{}\"",
        where, bounded_text(text)));
  return e;
}

bool ConstraintExpr::holds(const std::function<ExprValue(const std::string&)>& lookup) const {
  const Evaluator ev{lookup, where_};
  const ExprValue v = ev.eval(*root_);
  return ev.number(v, "condition") != 0;
}

}  // namespace maia
