#include <cmath>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Tensor batchnorm2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                   const Tensor& running_var, double eps) {
  require(input.rank() >= 2, "batchnorm2d", fmt::format("expected an input [N, C, ...], got {}", to_string(input.shape())));
  const int64_t channels = input.dim(1);
  for (const Tensor* param : {&weight, &bias, &running_mean, &running_var})
    require(param->shape() == Shape{channels}, "batchnorm2d",
            fmt::format("expected parameters [{}], got {}", channels, to_string(param->shape())));
  const int64_t outer = input.dim(0), inner = extent(input.shape(), 2, input.rank());
  Tensor output(input.shape());
  const float* x = input.data();
  float* y = output.data();
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      const double mean = running_mean.data()[c], var = running_var.data()[c];
      const double w = weight.data()[c], b = bias.data()[c];
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t at = (n * channels + c) * inner + i;
        y[at] = static_cast<float>((x[at] - mean) / std::sqrt(var + eps) * w + b);
      }
    }
  return output;
}

}  // namespace nnc::ref
