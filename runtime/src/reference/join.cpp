// concat: tensors joined along one dim.
#include <algorithm>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Tensor concat(const std::vector<const Tensor*>& inputs, int64_t dim) {
  require(!inputs.empty(), "concat", "needs at least one input");
  const Shape& first = inputs[0]->shape();
  require(!first.empty(), "concat", "cannot join scalars");
  const int64_t rank = static_cast<int64_t>(first.size());
  const int64_t d = normalize_dim(dim, rank, "concat");
  Shape shape = first;
  shape[d] = 0;
  for (const Tensor* t : inputs) {
    Shape a = t->shape(), b = first;
    require(a.size() == first.size(), "concat", fmt::format("inputs of ranks {} and {} differ", a.size(), first.size()));
    a[d] = b[d] = 0;
    require(a == b, "concat",
            fmt::format("inputs {} and {} differ outside dim {}", to_string(first), to_string(t->shape()), dim));
    auto joined = checked::add(shape[d], t->dim(d));
    require(joined.has_value(), "concat", "the joined size overflows");
    shape[d] = *joined;
  }
  Tensor output(shape);
  // Viewed as [outer, size along dim * inner], each input contributes one contiguous run per outer index.
  const int64_t outer = extent(first, 0, d), inner = extent(first, d + 1, rank);
  float* y = output.data();
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor* t : inputs) {
      const int64_t run = t->dim(d) * inner;
      y = std::copy_n(t->data() + o * run, run, y);
    }
  return output;
}

}  // namespace nnc::ref
