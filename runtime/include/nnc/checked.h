#pragma once
// Overflow-checked int64 arithmetic: every size nnc computes goes through these.
#include <cstdint>
#include <optional>

namespace nnc::checked {

inline std::optional<int64_t> add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<int64_t> sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<int64_t> mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// For totals that are only reported: INT64_MAX instead of overflowing.
inline int64_t saturating_add(int64_t a, int64_t b) { return add(a, b).value_or(a < 0 ? INT64_MIN : INT64_MAX); }
inline int64_t saturating_mul(int64_t a, int64_t b) { return mul(a, b).value_or((a < 0) != (b < 0) ? INT64_MIN : INT64_MAX); }

// Floor division for a positive divisor (C++'s / truncates toward zero).
inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// Positive remainder for a positive divisor.
inline int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

}  // namespace nnc::checked
