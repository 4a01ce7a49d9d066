#pragma once
// Tensor equality for round trips: equal shapes and bit-for-bit equal values, NaNs included.
#include <cstddef>
#include <cstring>

#include "nnc/tensor.h"

inline bool same_bits(const nnc::Tensor& a, const nnc::Tensor& b) {
  return a.shape() == b.shape() &&
         (a.numel() == 0 || std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0);
}
