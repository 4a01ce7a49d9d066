#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor* bias) {
  require(input.rank() >= 1, "linear", "expected an input of rank >= 1");
  const int64_t in_features = input.dim(input.rank() - 1);
  require(weight.rank() == 2 && weight.dim(1) == in_features, "linear",
          fmt::format("weight {} does not fit an input {}: expected [out, {}]", to_string(weight.shape()),
                      to_string(input.shape()), in_features));
  const int64_t out_features = weight.dim(0);
  require(!bias || bias->shape() == Shape{out_features}, "linear",
          fmt::format("expected a bias [{}], got {}", out_features, bias ? to_string(bias->shape()) : ""));
  Shape out_shape = input.shape();
  out_shape.back() = out_features;
  Tensor output(out_shape);
  const int64_t rows = extent(input.shape(), 0, input.rank() - 1);
  const float* x = input.data();
  const float* w = weight.data();
  float* y = output.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out_features; ++o) {
      double sum = bias ? bias->data()[o] : 0.0;
      for (int64_t i = 0; i < in_features; ++i) sum += double{x[r * in_features + i]} * w[o * in_features + i];
      y[r * out_features + o] = static_cast<float>(sum);
    }
  return output;
}

}  // namespace nnc::ref
