#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "checks.h"

namespace nnc::ref {

Tensor mean(const Tensor& input, const std::vector<int64_t>& dims, bool keepdim) {
  const Shape& in = input.shape();
  const int64_t rank = input.rank();
  std::vector<bool> reduced(in.size(), false);
  for (int64_t d : dims) {
    const int64_t dim = normalize_dim(d, rank, "mean");
    require(!reduced[dim], "mean", fmt::format("dim {} appears more than once", dim));
    reduced[dim] = true;
  }
  Shape out_shape;
  for (size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d] || keepdim) out_shape.push_back(reduced[d] ? 1 : in[d]);
  }
  Tensor output(out_shape);
  std::vector<double> sums(static_cast<size_t>(output.numel()), 0.0);
  // Each input element goes to the output element of its kept coordinates.
  std::vector<int64_t> index(in.size(), 0);
  for (int64_t flat = 0; flat < input.numel(); ++flat) {
    int64_t out = 0;
    for (size_t d = 0; d < in.size(); ++d)
      if (!reduced[d]) out = out * in[d] + index[d];
    sums[static_cast<size_t>(out)] += input.data()[flat];
    for (size_t d = in.size(); d-- > 0;) {
      if (++index[d] < in[d]) break;
      index[d] = 0;
    }
  }
  const double count = static_cast<double>(input.numel()) / static_cast<double>(std::max<int64_t>(output.numel(), 1));
  for (int64_t i = 0; i < output.numel(); ++i) output.data()[i] = static_cast<float>(sums[static_cast<size_t>(i)] / count);
  return output;
}

}  // namespace nnc::ref
