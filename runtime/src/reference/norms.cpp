#include <cmath>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {
namespace {

// PyTorch's statistics of one run of `size` elements: the mean and 1 / sqrt(biased variance + eps).
struct Moments {
  double mean = 0, inv_std = 0;
};

Moments moments(const float* x, int64_t size, double eps) {
  double sum = 0;
  for (int64_t i = 0; i < size; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(size);
  double squares = 0;
  for (int64_t i = 0; i < size; ++i) squares += (x[i] - mean) * (x[i] - mean);
  return {mean, 1.0 / std::sqrt(squares / static_cast<double>(size) + eps)};
}

void require_affine(const Tensor* weight, const Tensor* bias, const Shape& shape, const char* op) {
  require((weight == nullptr) == (bias == nullptr), op, "expected both weight and bias, or neither");
  for (const Tensor* param : {weight, bias})
    require(param == nullptr || param->shape() == shape, op,
            fmt::format("expected parameters {}, got {}", to_string(shape), param ? to_string(param->shape()) : ""));
}

// Normalises `runs` consecutive runs of `size` elements of x into y, element i of run r then
// scaled by weight[channel(r, i)] and shifted by bias[channel(r, i)] when they are given.
template <typename Channel>
Tensor normalise_runs(const Tensor& input, int64_t runs, int64_t size, const Tensor* weight, const Tensor* bias, double eps,
                      Channel channel) {
  Tensor output(input.shape());
  for (int64_t r = 0; r < runs; ++r) {
    const float* x = input.data() + r * size;
    float* y = output.data() + r * size;
    const Moments m = moments(x, size, eps);
    for (int64_t i = 0; i < size; ++i) {
      double v = (x[i] - m.mean) * m.inv_std;
      if (weight) v = v * weight->data()[channel(r, i)] + bias->data()[channel(r, i)];
      y[i] = static_cast<float>(v);
    }
  }
  return output;
}

}  // namespace

Tensor layernorm(const Tensor& input, const Shape& normalized_shape, const Tensor* weight, const Tensor* bias, double eps) {
  const int64_t rank = input.rank(), dims = static_cast<int64_t>(normalized_shape.size());
  require(dims >= 1 && dims <= rank && Shape(input.shape().end() - dims, input.shape().end()) == normalized_shape, "layernorm",
          fmt::format("normalized_shape {} is not the last dims of the input {}", to_string(normalized_shape), to_string(input.shape())));
  require_affine(weight, bias, normalized_shape, "layernorm");
  const int64_t size = extent(input.shape(), rank - dims, rank);
  return normalise_runs(input, extent(input.shape(), 0, rank - dims), size, weight, bias, eps, [](int64_t, int64_t i) { return i; });
}

Tensor groupnorm(const Tensor& input, int64_t num_groups, const Tensor* weight, const Tensor* bias, double eps) {
  require(input.rank() >= 2, "groupnorm", fmt::format("expected an input [N, C, ...], got {}", to_string(input.shape())));
  const int64_t channels = input.dim(1);
  require(num_groups >= 1 && channels % num_groups == 0, "groupnorm",
          fmt::format("num_groups {} does not divide the {} channels", num_groups, channels));
  require_affine(weight, bias, Shape{channels}, "groupnorm");
  const int64_t per_group = channels / num_groups, spatial = extent(input.shape(), 2, input.rank());
  return normalise_runs(input, input.dim(0) * num_groups, per_group * spatial, weight, bias, eps,
                        [&](int64_t r, int64_t i) { return r % num_groups * per_group + i / spatial; });
}

Tensor instancenorm2d(const Tensor& input, const Tensor* weight, const Tensor* bias, double eps) {
  require(input.rank() == 4, "instancenorm2d", fmt::format("expected an input [N, C, H, W], got {}", to_string(input.shape())));
  return groupnorm(input, input.dim(1), weight, bias, eps);
}

}  // namespace nnc::ref
