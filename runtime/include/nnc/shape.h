#pragma once
// A tensor shape: a list of int64 extents, outermost first.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnc/checked.h"

namespace nnc {

using Shape = std::vector<int64_t>;

// The element count, or nullopt when it does not fit in int64.
inline std::optional<int64_t> element_count(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    auto next = checked::mul(n, d);
    if (!next) return std::nullopt;
    n = *next;
  }
  return n;
}

// "[1, 5, 12, 12]", as PyTorch users read shapes.
inline std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace nnc
