#pragma once
// The integer arithmetic of `'${expr}'` in block arguments (model-format.md, "Blocks, repeat and
// arguments", extended): integers, argument names, + - * // %, unary minus, parentheses, max(...) and
// min(...), with Python's floor division and modulo. Every failure is a message for the user, never an exception.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace nnc {

// What an argument name in an expression stands for.
struct ArgLookup {
  enum Kind { Integer, NotInteger, Unknown } kind = Unknown;
  int64_t value = 0;
  std::string text;  // NotInteger: the value as written; Unknown: a "did you mean" suffix, or empty
};

struct ExprError {
  bool division_by_zero = false;  // else the expression is malformed or names what is not an integer
  std::string message;
  std::string help;
};

// Evaluates `expr` (the text between `${` and `}`).
std::variant<int64_t, ExprError> evaluate_arg_expr(std::string_view expr,
                                                   const std::function<ArgLookup(std::string_view name)>& lookup);

// An argument name: a letter or underscore, then letters, digits and underscores.
bool is_arg_name(std::string_view text);

}  // namespace nnc
