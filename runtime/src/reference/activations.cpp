// The elementwise activations and dropout, each computed in double and rounded once.
#include <cmath>
#include <numbers>

#include "checks.h"

namespace nnc::ref {
namespace {

template <class F>
Tensor map(const Tensor& input, F f) {
  Tensor output(input.shape());
  const float* x = input.data();
  float* y = output.data();
  for (int64_t i = 0; i < input.numel(); ++i) y[i] = static_cast<float>(f(double{x[i]}));
  return output;
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

Tensor relu(const Tensor& input) {
  return map(input, [](double x) { return x < 0 ? 0.0 : x; });  // NaN stays NaN, as in torch
}

Tensor sigmoid(const Tensor& input) { return map(input, logistic); }

Tensor tanh(const Tensor& input) {
  return map(input, [](double x) { return std::tanh(x); });
}

Tensor silu(const Tensor& input) {
  return map(input, [](double x) { return x * logistic(x); });
}

Tensor leaky_relu(const Tensor& input, double negative_slope) {
  return map(input, [=](double x) { return x > 0 ? x : x * negative_slope; });
}

Tensor gelu(const Tensor& input, GeluApproximation approximate) {
  if (approximate == GeluApproximation::tanh) {
    const double k = std::sqrt(2.0 / std::numbers::pi);
    return map(input, [=](double x) { return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x))); });
  }
  return map(input, [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2)); });
}

Tensor dropout(const Tensor& input) { return input.clone(); }

}  // namespace nnc::ref
