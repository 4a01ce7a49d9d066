#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {
namespace {

// The batch index of a broadcast operand whose batch dims are `batch` (aligned from the right with
// `out`), for the output batch index `flat`.
int64_t broadcast_batch(const Shape& batch, const Shape& out, int64_t flat) {
  int64_t index = 0, stride = 1;
  for (size_t d = out.size(); d-- > 0;) {
    const int64_t coordinate = flat % out[d];
    flat /= out[d];
    const size_t lead = out.size() - batch.size();
    if (d < lead) continue;
    const int64_t size = batch[d - lead];
    if (size != 1) index += coordinate * stride;
    stride *= size;
  }
  return index;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  require(a.rank() >= 1 && b.rank() >= 1 && a.rank() + b.rank() > 2, "matmul", "expected operands of rank >= 1, not both 1-D");
  // 1-D operands promoted: a [k] to [1, k], b [k] to [k, 1].
  Shape as = a.shape(), bs = b.shape();
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  require(bs[bs.size() - 2] == k, "matmul", fmt::format("inner dims differ: {} and {}", to_string(a.shape()), to_string(b.shape())));
  const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
  const Shape batch = broadcast_shape(a_batch, b_batch);
  Shape out_shape = batch;
  if (a.rank() > 1) out_shape.push_back(m);
  if (b.rank() > 1) out_shape.push_back(n);
  Tensor output(out_shape);
  const int64_t batches = extent(batch, 0, static_cast<int64_t>(batch.size()));
  for (int64_t i = 0; i < batches; ++i) {
    const float* x = a.data() + broadcast_batch(a_batch, batch, i) * m * k;
    const float* y = b.data() + broadcast_batch(b_batch, batch, i) * k * n;
    float* z = output.data() + i * m * n;
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < n; ++c) {
        double sum = 0;
        for (int64_t j = 0; j < k; ++j) sum += double{x[r * k + j]} * y[j * n + c];
        z[r * n + c] = static_cast<float>(sum);
      }
  }
  return output;
}

}  // namespace nnc::ref
