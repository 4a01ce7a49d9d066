// The reference kernels on cases small enough to work out by hand; check_kernels_against_torch.py covers the rest.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "nnc/reference.h"

using nnc::Shape;
using nnc::Tensor;
namespace ref = nnc::ref;

namespace {

Tensor make(const Shape& shape, std::vector<float> values) { return Tensor::of(shape, values); }

std::vector<float> values(const Tensor& t) { return {t.values().begin(), t.values().end()}; }

}  // namespace

TEST_CASE("conv2d sums each window times the weight, plus the bias", "[reference]") {
  Tensor x = make({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor ones = make({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  Tensor bias = make({1}, {0.5f});
  Tensor y = ref::conv2d(x, ones, &bias, {.pad_lo = {1, 1}, .pad_hi = {1, 1}});
  CHECK(y.shape() == Shape{1, 1, 3, 3});
  CHECK(values(y) == std::vector<float>{12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f});
  Tensor strided = ref::conv2d(x, ones, nullptr, {.stride = {2, 2}, .pad_lo = {1, 1}, .pad_hi = {1, 1}});
  CHECK(values(strided) == std::vector<float>{12, 16, 24, 28});
  Tensor dilated = ref::conv2d(make({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}), make({1, 1, 2, 2}, {1, 1, 1, 1}), nullptr,
                               {.dilation = {2, 2}});
  CHECK(values(dilated) == std::vector<float>{1 + 3 + 7 + 9});
}

TEST_CASE("conv2d padding modes read the padded row as PyTorch pads it", "[reference]") {
  Tensor x = make({1, 1, 1, 3}, {1, 2, 3});
  Tensor w = make({1, 1, 1, 3}, {1, 10, 100});
  auto row = [&](ref::PaddingMode mode) {
    return values(ref::conv2d(x, w, nullptr, {.pad_lo = {0, 2}, .pad_hi = {0, 2}, .padding_mode = mode}));
  };
  // Padded rows: zeros 0 0 1 2 3 0 0; reflect 3 2 1 2 3 2 1; replicate 1 1 1 2 3 3 3; circular 2 3 1 2 3 1 2.
  CHECK(row(ref::PaddingMode::zeros) == std::vector<float>{100, 210, 321, 32, 3});
  CHECK(row(ref::PaddingMode::reflect) == std::vector<float>{123, 212, 321, 232, 123});
  CHECK(row(ref::PaddingMode::replicate) == std::vector<float>{111, 211, 321, 332, 333});
  CHECK(row(ref::PaddingMode::circular) == std::vector<float>{132, 213, 321, 132, 213});
  // `same` with an even kernel pads one more at the end.
  CHECK(values(ref::conv2d(x, make({1, 1, 1, 2}, {1, 10}), nullptr, {.pad_lo = {0, 0}, .pad_hi = {0, 1}})) ==
        std::vector<float>{21, 32, 3});
}

TEST_CASE("conv2d groups see only their own channels", "[reference]") {
  Tensor x = make({1, 2, 1, 1}, {1, 10});
  Tensor w = make({4, 1, 1, 1}, {1, 2, 3, 4});
  CHECK(values(ref::conv2d(x, w, nullptr, {.groups = 2})) == std::vector<float>{1, 2, 30, 40});
}

TEST_CASE("conv2d rejects arguments that do not fit together", "[reference]") {
  Tensor x({1, 4, 5, 5});
  CHECK_THROWS_AS(ref::conv2d(x, Tensor({2, 3, 3, 3}), nullptr, {}), std::invalid_argument);
  CHECK_THROWS_AS(ref::conv2d(x, Tensor({3, 2, 3, 3}), nullptr, {.groups = 2}), std::invalid_argument);
  CHECK_THROWS_AS(ref::conv2d(x, Tensor({2, 4, 7, 7}), nullptr, {}), std::invalid_argument);
  Tensor bias({3});
  CHECK_THROWS_AS(ref::conv2d(x, Tensor({2, 4, 3, 3}), &bias, {}), std::invalid_argument);
  CHECK_THROWS_AS(ref::conv2d(x, Tensor({2, 4, 3, 3}), nullptr,
                              {.pad_lo = {5, 5}, .pad_hi = {5, 5}, .padding_mode = ref::PaddingMode::reflect}),
                  std::invalid_argument);
  CHECK_THROWS_AS(ref::conv2d(Tensor({4, 5, 5}), Tensor({2, 4, 3, 3}), nullptr, {}), std::invalid_argument);
}

TEST_CASE("maxpool2d ignores padding, clips windows and propagates NaN", "[reference]") {
  Tensor x = make({1, 1, 2, 3}, {-1, -2, -3, -4, -5, -6});
  Tensor y = ref::maxpool2d(x, {.kernel = {2, 2}, .stride = {2, 2}, .padding = {1, 1}, .output = {2, 2}});
  CHECK(values(y) == std::vector<float>{-1, -2, -4, -5});
  Tensor ceil = ref::maxpool2d(x, {.kernel = {2, 2}, .stride = {2, 2}, .output = {1, 2}});
  CHECK(values(ceil) == std::vector<float>{-1, -3});
  Tensor nan = make({1, 1, 1, 3}, {1, std::numeric_limits<float>::quiet_NaN(), 3});
  CHECK(std::isnan(ref::maxpool2d(nan, {.kernel = {1, 3}, .stride = {1, 3}, .output = {1, 1}}).values()[0]));
  Tensor dilated = ref::maxpool2d(make({1, 1, 1, 5}, {5, 9, 1, 9, 2}), {.kernel = {1, 3}, .stride = {1, 1},
                                                                      .dilation = {1, 2}, .output = {1, 1}});
  CHECK(values(dilated) == std::vector<float>{5});
}

TEST_CASE("avgpool2d divides as PyTorch does, windows clipped to the padded input", "[reference]") {
  // Width 6, kernel 3, stride 2, padding 1, ceil_mode: 4 windows, the last [5, 8) clipped to [5, 7).
  Tensor x = make({1, 1, 1, 6}, {1, 2, 3, 4, 5, 6});
  ref::AvgPool2dParams p{.kernel = {1, 3}, .stride = {1, 2}, .padding = {0, 1}, .output = {1, 4}};
  CHECK(values(ref::avgpool2d(x, p)) == std::vector<float>{1, 3, 5, 3});
  p.count_include_pad = false;
  CHECK(values(ref::avgpool2d(x, p)) == std::vector<float>{1.5f, 3, 5, 6});
  Tensor corner = ref::avgpool2d(make({1, 1, 2, 2}, {4, 4, 4, 4}),
                                 {.kernel = {2, 2}, .stride = {2, 2}, .padding = {1, 1}, .output = {2, 2}});
  CHECK(values(corner) == std::vector<float>{1, 1, 1, 1});
}

TEST_CASE("adaptive_avgpool2d uses floor/ceil window bounds, up- and downsampling", "[reference]") {
  Tensor x = make({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  CHECK(values(ref::adaptive_avgpool2d(x, {1, 3})) == std::vector<float>{1.5f, 3, 4.5f});
  CHECK(values(ref::adaptive_avgpool2d(make({1, 1, 1, 2}, {2, 4}), {1, 3})) == std::vector<float>{2, 3, 4});
}

TEST_CASE("batchnorm2d normalises per channel", "[reference]") {
  Tensor x = make({1, 2, 1, 2}, {1, 3, 10, 20});
  Tensor y = ref::batchnorm2d(x, make({2}, {2, 1}), make({2}, {1, 0}), make({2}, {1, 10}), make({2}, {4, 100}), 0.0);
  CHECK(values(y) == std::vector<float>{1, 3, 0, 1});
  CHECK_THROWS_AS(ref::batchnorm2d(x, Tensor({3}), Tensor({2}), Tensor({2}), Tensor({2}), 1e-5), std::invalid_argument);
}

TEST_CASE("linear works on the last dimension of any rank", "[reference]") {
  Tensor x = make({2, 1, 2}, {1, 2, 3, 4});
  Tensor w = make({3, 2}, {1, 0, 0, 1, 1, 1});
  Tensor b = make({3}, {0, 0, 10});
  Tensor y = ref::linear(x, w, &b);
  CHECK(y.shape() == Shape{2, 1, 3});
  CHECK(values(y) == std::vector<float>{1, 2, 13, 3, 4, 17});
  CHECK_THROWS_AS(ref::linear(x, Tensor({3, 3}), nullptr), std::invalid_argument);
}

TEST_CASE("flatten merges a range of dimensions", "[reference]") {
  Tensor x({2, 3, 4, 5});
  CHECK(ref::flatten(x, 1, -1).shape() == Shape{2, 60});
  CHECK(ref::flatten(x, 0, 1).shape() == Shape{6, 4, 5});
  CHECK(ref::flatten(x, -2, -2).shape() == Shape{2, 3, 4, 5});
  CHECK(ref::flatten(Tensor(Shape{}), 0, -1).shape() == Shape{1});
  CHECK_THROWS_AS(ref::flatten(x, 2, 1), std::invalid_argument);
  CHECK_THROWS_AS(ref::flatten(x, 4, -1), std::invalid_argument);
}

TEST_CASE("activations at known points", "[reference]") {
  Tensor x = make({4}, {-2, 0, 1, 3});
  CHECK(values(ref::relu(x)) == std::vector<float>{0, 0, 1, 3});
  CHECK(values(ref::leaky_relu(x, 0.1)) == std::vector<float>{-0.2f, 0, 1, 3});
  CHECK(ref::sigmoid(x).values()[1] == 0.5f);
  CHECK(ref::tanh(x).values()[2] == Approx(0.7615941559557649));
  CHECK(ref::silu(x).values()[2] == Approx(0.7310585786300049));
  CHECK(ref::gelu(x, ref::GeluApproximation::none).values()[2] == Approx(0.8413447460685429));
  CHECK(ref::gelu(x, ref::GeluApproximation::tanh).values()[2] == Approx(0.8411919906082768));
  CHECK(values(ref::dropout(x)) == values(x));
}

TEST_CASE("softmax is stable and normalises along the chosen dim", "[reference]") {
  Tensor x = make({2, 2}, {1000, 1001, 0, 0});
  Tensor rows = ref::softmax(x, -1);
  CHECK(rows.values()[0] == Approx(1 / (1 + std::exp(1.0))));
  CHECK(rows.values()[1] == Approx(1 / (1 + std::exp(-1.0))));
  CHECK(rows.values()[2] == 0.5f);
  CHECK(values(ref::softmax(x, 0)) == std::vector<float>{1, 1, 0, 0});
  CHECK_THROWS_AS(ref::softmax(x, 2), std::invalid_argument);
}

TEST_CASE("add, sub, mul and div broadcast; concat joins along any dim", "[reference]") {
  Tensor a = make({2, 2}, {1, 2, 3, 4}), b = make({2, 2}, {10, 20, 30, 40}), c = make({2, 1}, {7, 8});
  Tensor row = make({2}, {2, 4}), odd = make({3}, {1, 2, 3});
  CHECK(values(ref::add({&a, &b, &a})) == std::vector<float>{12, 24, 36, 48});
  CHECK(values(ref::add({&a, &c})) == std::vector<float>{8, 9, 11, 12});
  CHECK(ref::add({&c, &row}).shape() == Shape{2, 2});
  CHECK_THROWS_AS(ref::add({&a, &odd}), std::invalid_argument);
  CHECK(values(ref::sub(c, row)) == std::vector<float>{5, 3, 6, 4});
  CHECK(values(ref::mul(a, c)) == std::vector<float>{7, 14, 24, 32});
  CHECK(values(ref::div(b, row)) == std::vector<float>{5, 5, 15, 10});
  CHECK_THROWS_AS(ref::mul(a, odd), std::invalid_argument);
  CHECK(values(ref::concat({&a, &c}, 1)) == std::vector<float>{1, 2, 7, 3, 4, 8});
  CHECK(ref::concat({&a, &c, &a}, -1).shape() == Shape{2, 5});
  CHECK(values(ref::concat({&a, &b}, 0)) == std::vector<float>{1, 2, 3, 4, 10, 20, 30, 40});
  CHECK_THROWS_AS(ref::concat({&a, &c}, 0), std::invalid_argument);
}
