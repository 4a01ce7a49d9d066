#pragma once
// What the reference kernels share: argument checks that throw, dimension normalisation, NCHW indexing.
#include <cstdint>
#include <optional>
#include <string>

#include "nnc/reference.h"

namespace nnc::ref {

// Throws std::invalid_argument("OP: MESSAGE") unless ok.
void require(bool ok, const char* op, const std::string& message);

// dim in [-rank, rank) made non-negative, else invalid_argument.
int64_t normalize_dim(int64_t dim, int64_t rank, const char* op);

// A checked rank-4 input, unpacked.
struct Nchw {
  int64_t n, c, h, w;
};
Nchw nchw(const Tensor& input, const char* op);

// The flat offset of [n, c, y, x] in a C-order tensor of shape [*, C, H, W].
inline int64_t offset4(const Nchw& s, int64_t n, int64_t c, int64_t y, int64_t x) {
  return ((n * s.c + c) * s.h + y) * s.w + x;
}

// The input position that position i of a padded axis (shifted by the leading pad) reads in an axis
// of `size` under `mode`, or nullopt for a zero (a constant).
std::optional<int64_t> padded_source(int64_t i, int64_t size, PaddingMode mode);

// The product of shape[from, to).
int64_t extent(const Shape& shape, int64_t from, int64_t to);

}  // namespace nnc::ref
