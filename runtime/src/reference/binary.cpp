// add, sub, mul and div with PyTorch's broadcasting.
#include <algorithm>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Shape broadcast_shape(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t x = d < a.size() ? a[a.size() - 1 - d] : 1;
    const int64_t y = d < b.size() ? b[b.size() - 1 - d] : 1;
    require(x == y || x == 1 || y == 1, "broadcast",
            fmt::format("shapes {} and {} do not broadcast", to_string(a), to_string(b)));
    out[out.size() - 1 - d] = x == 1 ? y : x;
  }
  return out;
}

namespace {

// The offset in a tensor of shape `in` of each element of `out` (C order), `in` broadcast to `out`.
std::vector<int64_t> broadcast_offsets(const Shape& in, const Shape& out) {
  const size_t lead = out.size() - in.size();
  std::vector<int64_t> stride(out.size(), 0);  // 0 along the dims `in` is broadcast in
  int64_t step = 1;
  for (size_t d = out.size(); d-- > lead;) {
    if (in[d - lead] != 1) stride[d] = step;
    step *= in[d - lead];
  }
  std::vector<int64_t> offsets(static_cast<size_t>(extent(out, 0, static_cast<int64_t>(out.size()))));
  std::vector<int64_t> index(out.size(), 0);
  int64_t offset = 0;
  for (int64_t& o : offsets) {
    o = offset;
    for (size_t d = out.size(); d-- > 0;) {
      offset += stride[d];
      if (++index[d] < out[d]) break;
      offset -= stride[d] * out[d];
      index[d] = 0;
    }
  }
  return offsets;
}

template <typename F>
Tensor binary(const Tensor& a, const Tensor& b, F f) {
  Tensor output(broadcast_shape(a.shape(), b.shape()));
  const std::vector<int64_t> from_a = broadcast_offsets(a.shape(), output.shape());
  const std::vector<int64_t> from_b = broadcast_offsets(b.shape(), output.shape());
  for (int64_t i = 0; i < output.numel(); ++i) output.data()[i] = f(a.data()[from_a[i]], b.data()[from_b[i]]);
  return output;
}

}  // namespace

Tensor add(const std::vector<const Tensor*>& inputs) {
  require(!inputs.empty(), "add", "needs at least one input");
  Shape shape = inputs[0]->shape();
  for (const Tensor* t : inputs) shape = broadcast_shape(shape, t->shape());
  std::vector<double> sum(static_cast<size_t>(extent(shape, 0, static_cast<int64_t>(shape.size()))), 0.0);
  for (const Tensor* t : inputs) {
    const std::vector<int64_t> from = broadcast_offsets(t->shape(), shape);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += t->data()[from[i]];
  }
  Tensor output(shape);
  std::transform(sum.begin(), sum.end(), output.data(), [](double s) { return static_cast<float>(s); });
  return output;
}

Tensor sub(const Tensor& a, const Tensor& b) { return binary(a, b, [](float x, float y) { return x - y; }); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(a, b, [](float x, float y) { return x * y; }); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(a, b, [](float x, float y) { return x / y; }); }

}  // namespace nnc::ref
