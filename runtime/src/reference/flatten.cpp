// flatten: a copy under a new shape.
#include <cstring>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Tensor flatten(const Tensor& input, int64_t start_dim, int64_t end_dim) {
  const int64_t rank = input.rank();
  if (rank == 0) return Tensor::of({1}, input.values());  // torch.flatten makes a scalar one-dimensional
  const int64_t start = normalize_dim(start_dim, rank, "flatten"), end = normalize_dim(end_dim, rank, "flatten");
  require(start <= end, "flatten", fmt::format("start_dim {} comes after end_dim {}", start_dim, end_dim));
  const Shape& in = input.shape();
  Shape shape(in.begin(), in.begin() + start);
  shape.push_back(extent(in, start, end + 1));
  shape.insert(shape.end(), in.begin() + end + 1, in.end());
  return Tensor::of(shape, input.values());
}

}  // namespace nnc::ref
