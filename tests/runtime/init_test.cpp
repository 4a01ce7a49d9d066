#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nnc/init.h"

using nnc::Shape;
using nnc::Tensor;

TEST_CASE("fan_in is PyTorch's: in/groups*kh*kw for conv2d, in for linear", "[init]") {
  CHECK(nnc::fan_in({8, 3, 5, 5}) == 75);
  CHECK(nnc::fan_in({10, 20}) == 20);
  CHECK_THROWS_AS(nnc::fan_in({10}), std::invalid_argument);
}

TEST_CASE("parameter values are pinned: the same on every machine", "[init]") {
  // Computed independently by a Python transcription of random.h's definitions (PCG32, SplitMix64, FNV-1a) and
  // init.h's formula, rounding with struct.pack('<f').
  Tensor w({5, 1, 5, 5});
  nnc::init_uniform_fan_in(w, nnc::fan_in(w.shape()), 0, "0.weight");
  CHECK(w.values()[0] == -0x1.93a2d4p-3f);
  CHECK(w.values()[1] == 0x1.454b7ap-3f);
  CHECK(w.values()[2] == 0x1.352386p-3f);
  CHECK(w.values()[3] == 0x1.2d547ap-4f);
  Tensor b({10});
  nnc::init_uniform_fan_in(b, 120, 7, "fc.bias");
  CHECK(b.values()[0] == 0x1.418dd2p-6f);
  CHECK(b.values()[1] == 0x1.5a2594p-4f);
  CHECK(b.values()[2] == -0x1.d46764p-6f);
  CHECK(b.values()[3] == -0x1.8f4f9p-7f);
}

TEST_CASE("uniform init fills [-1/sqrt(fan_in), 1/sqrt(fan_in)) evenly", "[init]") {
  Tensor w({64, 16, 3, 3});
  const int64_t fan = nnc::fan_in(w.shape());
  nnc::init_uniform_fan_in(w, fan, 3, "conv.weight");
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan));
  double sum = 0, squares = 0;
  for (float v : w.values()) {
    sum += v;
    squares += double{v} * v;
  }
  const double n = static_cast<double>(w.numel());
  const auto [lo, hi] = std::minmax_element(w.values().begin(), w.values().end());
  CHECK(*lo >= -bound);
  CHECK(*hi < bound);
  CHECK(*lo < -0.99 * bound);
  CHECK(*hi > 0.99 * bound);
  CHECK(std::abs(sum / n) < 0.02 * bound);
  CHECK(squares / n == Approx(bound * bound / 3).epsilon(0.03));
}

TEST_CASE("each parameter's values depend only on the seed and its key", "[init]") {
  Tensor alone({4, 4}), after_others({4, 4}), other({4, 4}), reseeded({4, 4});
  nnc::init_uniform_fan_in(alone, 4, 0, "2.weight");
  nnc::init_uniform_fan_in(other, 4, 0, "1.weight");
  nnc::init_uniform_fan_in(after_others, 4, 0, "2.weight");
  nnc::init_uniform_fan_in(reseeded, 4, 1, "2.weight");
  CHECK(std::equal(alone.values().begin(), alone.values().end(), after_others.values().begin()));
  CHECK_FALSE(std::equal(alone.values().begin(), alone.values().end(), other.values().begin()));
  CHECK_FALSE(std::equal(alone.values().begin(), alone.values().end(), reseeded.values().begin()));
}

TEST_CASE("batchnorm's constants and an empty fan_in", "[init]") {
  Tensor var({3}), bias({3});
  nnc::fill(var, 1.0f);
  for (float v : var.values()) CHECK(v == 1.0f);
  nnc::fill(bias, 5.0f);
  nnc::init_uniform_fan_in(bias, 0, 0, "x.bias");
  for (float v : bias.values()) CHECK(v == 0.0f);
}
