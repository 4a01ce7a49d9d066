#pragma once
// A tensor shape: a list of int64 extents, outermost first.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnc/checked.h"

namespace nnc {

using Shape = std::vector<int64_t>;

// The most elements a tensor may have (2^56): its size in bytes, and any index a kernel computes
// while stepping through it in vectors, then fit in int64 with room to spare.
constexpr int64_t kMaxElements = int64_t{1} << 56;

// The element count, or nullopt when it exceeds kMaxElements.
inline std::optional<int64_t> element_count(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    auto next = checked::mul(n, d);
    if (!next) return std::nullopt;
    n = *next;
  }
  if (n > kMaxElements) return std::nullopt;
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
