// The elementwise activations, dropout and identity, each computed in double and rounded once.
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

// NaN passes through, as in PyTorch's clamp.
double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

double elu_of(double x, double alpha) { return x > 0 ? x : alpha * std::expm1(x); }

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

Tensor identity(const Tensor& input) { return input.clone(); }

Tensor relu6(const Tensor& input) { return hardtanh(input, 0.0, 6.0); }

Tensor hardswish(const Tensor& input) {
  return map(input, [](double x) { return x * clamp(x + 3, 0, 6) / 6; });
}

Tensor hardsigmoid(const Tensor& input) {
  return map(input, [](double x) { return clamp(x + 3, 0, 6) / 6; });
}

Tensor selu(const Tensor& input) {
  return map(input, [](double x) { return kSeluScale * elu_of(x, kSeluAlpha); });
}

Tensor mish(const Tensor& input) {
  return map(input, [](double x) { return x * std::tanh(std::log1p(std::exp(x))); });
}

Tensor hardtanh(const Tensor& input, double min_val, double max_val) {
  require(min_val < max_val, "hardtanh", "expected min_val < max_val");
  return map(input, [=](double x) { return clamp(x, min_val, max_val); });
}

Tensor elu(const Tensor& input, double alpha) {
  return map(input, [=](double x) { return elu_of(x, alpha); });
}

Tensor softplus(const Tensor& input, double beta, double threshold) {
  require(beta != 0, "softplus", "expected a non-zero beta");
  return map(input, [=](double x) { return x * beta > threshold ? x : std::log1p(std::exp(x * beta)) / beta; });
}

Tensor prelu(const Tensor& input, const Tensor& weight) {
  const int64_t channels = input.rank() >= 2 ? input.dim(1) : 1;
  require(weight.rank() == 1 && (weight.numel() == 1 || weight.numel() == channels), "prelu",
          "expected a weight of 1 or C (input channels) values");
  // Element i is in channel (i / inner) % C, inner being the product of the dims after dim 1.
  const int64_t inner = input.rank() >= 2 ? extent(input.shape(), 2, input.rank()) : 1;
  Tensor output(input.shape());
  for (int64_t i = 0; i < input.numel(); ++i) {
    const double x = input.data()[i];
    const double slope = weight.data()[weight.numel() == 1 ? 0 : (i / inner) % channels];
    output.data()[i] = static_cast<float>(x > 0 ? x : slope * x);
  }
  return output;
}

}  // namespace nnc::ref
