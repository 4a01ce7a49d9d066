#include "frontend/arg_expr.h"

#include <fmt/format.h>

#include <cctype>
#include <algorithm>
#include <charconv>

namespace nnc {
namespace {

// Nesting deeper than this is no honest expression; it would only exhaust the stack.
constexpr int kMaxNesting = 64;

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Recursive descent over: sum := product (('+'|'-') product)*; product := unary (('*'|'//'|'%') unary)*;
// unary := '-' unary | '+' unary | atom; atom := INT | NAME | '$' NAME | '(' sum ')' | FUNCTION '(' sum (',' sum)* ')',
// where FUNCTION is max or min.
class Parser {
 public:
  Parser(std::string_view text, const std::function<ArgLookup(std::string_view)>& lookup) : text_(text), lookup_(lookup) {}

  std::variant<int64_t, ExprError> parse() {
    skip_space();
    if (pos_ == text_.size()) return fail("the expression is empty", "write an integer expression such as ${planes * 4}");
    std::optional<int64_t> value = sum(0);
    if (error_) return *error_;
    skip_space();
    if (pos_ < text_.size()) {
      if (text_[pos_] == '/') return fail("'/' is not integer division", "write // for floor division, as in Python");
      return fail(fmt::format("unexpected '{}' at position {} of the expression", text_[pos_], pos_ + 1),
                  "an expression uses integers, argument names, + - * // %, max(...), min(...) and parentheses");
    }
    return *value;
  }

 private:
  std::optional<int64_t> sum(int depth) {
    std::optional<int64_t> left = product(depth);
    while (left) {
      skip_space();
      if (!at('+') && !at('-')) break;
      const char op = text_[pos_++];
      std::optional<int64_t> right = product(depth);
      if (!right) return std::nullopt;
      int64_t out = 0;
      if (op == '+' ? __builtin_add_overflow(*left, *right, &out) : __builtin_sub_overflow(*left, *right, &out))
        return overflow();
      left = out;
    }
    return left;
  }

  std::optional<int64_t> product(int depth) {
    std::optional<int64_t> left = unary(depth);
    while (left) {
      skip_space();
      std::string_view op;
      if (text_.substr(pos_, 2) == "//") op = "//";
      else if (at('*')) op = "*";
      else if (at('%')) op = "%";
      else break;
      pos_ += op.size();
      std::optional<int64_t> right = unary(depth);
      if (!right) return std::nullopt;
      if (op == "*") {
        int64_t out = 0;
        if (__builtin_mul_overflow(*left, *right, &out)) return overflow();
        left = out;
        continue;
      }
      if (*right == 0) {
        error_ = ExprError{true, fmt::format("division by zero: the divisor of '{}' is 0", op), "check the arguments that make up the divisor"};
        return std::nullopt;
      }
      if (*left == INT64_MIN && *right == -1) return overflow();
      // Python's floor division and modulo: the remainder takes the divisor's sign.
      int64_t q = *left / *right, r = *left % *right;
      if (r != 0 && ((r < 0) != (*right < 0))) {
        --q;
        r += *right;
      }
      left = op == "//" ? q : r;
    }
    return left;
  }

  std::optional<int64_t> unary(int depth) {
    if (depth > kMaxNesting) return set_error(fmt::format("the expression nests deeper than {} levels", kMaxNesting), "");
    skip_space();
    if (at('-') || at('+')) {
      const bool negate = text_[pos_++] == '-';
      std::optional<int64_t> value = unary(depth + 1);
      if (!value || !negate) return value;
      if (*value == INT64_MIN) return overflow();
      return -*value;
    }
    return atom(depth);
  }

  std::optional<int64_t> atom(int depth) {
    skip_space();
    if (pos_ == text_.size()) return set_error("the expression ends where a value was expected", "complete the expression");
    if (at('(')) {
      ++pos_;
      std::optional<int64_t> value = sum(depth + 1);
      if (!value) return std::nullopt;
      skip_space();
      if (!at(')')) return set_error("a '(' is not closed", "add the missing ')'");
      ++pos_;
      return value;
    }
    if (std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      size_t end = pos_;
      while (end < text_.size() && (name_char(text_[end]) || text_[end] == '.')) ++end;
      const std::string_view digits = text_.substr(pos_, end - pos_);
      int64_t value = 0;
      auto [stop, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec == std::errc::result_out_of_range) return overflow();
      if (ec != std::errc() || stop != digits.data() + digits.size())
        return set_error(fmt::format("'{}' is not an integer", digits), "expressions use whole numbers only");
      pos_ = end;
      return value;
    }
    if (at('$')) ++pos_;  // `${a * $b}` reads as `${a * b}`
    if (pos_ < text_.size() && name_start(text_[pos_])) {
      size_t end = pos_;
      while (end < text_.size() && name_char(text_[end])) ++end;
      const std::string_view name = text_.substr(pos_, end - pos_);
      pos_ = end;
      skip_space();
      if (at('(')) return call(name, depth);
      const ArgLookup found = lookup_(name);
      if (found.kind == ArgLookup::Integer) return found.value;
      if (found.kind == ArgLookup::NotInteger)
        return set_error(fmt::format("'{}' is {}, not an integer, so it cannot be computed with", name, found.text),
                         "expressions compute with integer arguments only; use $" + std::string(name) + " alone to pass it on");
      return set_error(fmt::format("'{}' is no argument here{}", name, found.text), "");
    }
    return set_error(fmt::format("unexpected '{}' at position {} of the expression", text_[pos_], pos_ + 1),
                     "an expression uses integers, argument names, + - * // %, and parentheses");
  }

  // max(a, b, ...) and min(a, b, ...), with the parser just before the '('.
  std::optional<int64_t> call(std::string_view name, int depth) {
    if (name != "max" && name != "min")
      return set_error(fmt::format("'{}' is no function", name), "the functions are max(a, b, ...) and min(a, b, ...)");
    ++pos_;
    std::optional<int64_t> result;
    while (true) {
      std::optional<int64_t> value = sum(depth + 1);
      if (!value) return std::nullopt;
      result = !result ? *value : name == "max" ? std::max(*result, *value) : std::min(*result, *value);
      skip_space();
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (!at(')')) return set_error(fmt::format("{}( is not closed", name), "write the arguments separated by commas, then ')'");
      ++pos_;
      return result;
    }
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  std::optional<int64_t> set_error(std::string message, std::string help) {
    if (!error_) error_ = ExprError{false, std::move(message), std::move(help)};
    return std::nullopt;
  }
  std::optional<int64_t> overflow() { return set_error("the expression overflows a 64-bit integer", ""); }
  ExprError fail(std::string message, std::string help) { return ExprError{false, std::move(message), std::move(help)}; }

  std::string_view text_;
  const std::function<ArgLookup(std::string_view)>& lookup_;
  size_t pos_ = 0;
  std::optional<ExprError> error_;
};

}  // namespace

std::variant<int64_t, ExprError> evaluate_arg_expr(std::string_view expr, const std::function<ArgLookup(std::string_view name)>& lookup) {
  return Parser(expr, lookup).parse();
}

bool is_arg_name(std::string_view text) {
  if (text.empty() || !name_start(text[0])) return false;
  for (char c : text)
    if (!name_char(c)) return false;
  return true;
}

}  // namespace nnc
