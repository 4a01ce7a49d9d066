#include <algorithm>
#include <cmath>
#include <vector>

#include "checks.h"

namespace nnc::ref {
namespace {

// softmax, or with `log` log_softmax.
Tensor softmax_along(const Tensor& input, int64_t dim, bool log, const char* op) {
  require(input.rank() >= 1, op, "expected an input of rank >= 1");
  const int64_t d = normalize_dim(dim, input.rank(), op);
  const int64_t outer = extent(input.shape(), 0, d), length = input.dim(d);
  const int64_t inner = extent(input.shape(), d + 1, input.rank());
  Tensor output(input.shape());
  const float* x = input.data();
  float* y = output.data();
  // Element j of the slice at (o, i) is at (o * length + j) * inner + i.
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t j) { return (o * length + j) * inner + i; };
      double max = -INFINITY;
      for (int64_t j = 0; j < length; ++j) max = std::max(max, double{x[at(j)]});
      double sum = 0;
      for (int64_t j = 0; j < length; ++j) sum += std::exp(x[at(j)] - max);
      for (int64_t j = 0; j < length; ++j)
        y[at(j)] = static_cast<float>(log ? x[at(j)] - max - std::log(sum) : std::exp(x[at(j)] - max) / sum);
    }
  return output;
}

}  // namespace

Tensor softmax(const Tensor& input, int64_t dim) { return softmax_along(input, dim, false, "softmax"); }

Tensor log_softmax(const Tensor& input, int64_t dim) { return softmax_along(input, dim, true, "log_softmax"); }

}  // namespace nnc::ref
