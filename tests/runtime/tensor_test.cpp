#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>

#include "nnc/tensor.h"

using nnc::Shape;
using nnc::Tensor;

TEST_CASE("a tensor is zero-filled, 64-byte aligned and knows its size", "[tensor]") {
  Tensor t({2, 3, 5});
  CHECK(t.shape() == Shape{2, 3, 5});
  CHECK(t.rank() == 3);
  CHECK(t.dim(1) == 3);
  CHECK(t.numel() == 30);
  CHECK(t.bytes().size() == 120);
  CHECK(reinterpret_cast<std::uintptr_t>(t.data()) % Tensor::alignment == 0);
  for (float v : t.values()) CHECK(v == 0.0f);
}

TEST_CASE("a scalar has one element and an empty tensor none", "[tensor]") {
  CHECK(Tensor(Shape{}).numel() == 1);
  CHECK(Tensor(Shape{4, 0, 3}).numel() == 0);
  CHECK(Tensor().numel() == 0);
  CHECK(Tensor().shape() == Shape{0});
}

TEST_CASE("shapes that cannot be allocated are errors, not crashes", "[tensor]") {
  auto negative = Tensor::create({2, -1});
  REQUIRE_FALSE(negative);
  CHECK_THAT(negative.error().message, Catch::Contains("negative"));
  auto huge = Tensor::create({INT64_MAX / 2, 3});
  REQUIRE_FALSE(huge);
  CHECK_THAT(huge.error().message, Catch::Contains("too many elements"));
  CHECK_FALSE(Tensor::create({INT64_MAX / 4 + 1}));  // elements fit, bytes do not
  CHECK_THROWS_AS(Tensor(Shape{-3}), std::invalid_argument);
}

TEST_CASE("move leaves an empty tensor behind; clone copies", "[tensor]") {
  const float values[] = {1, 2, 3, 4, 5, 6};
  Tensor a = Tensor::of({2, 3}, values);
  Tensor b = a.clone();
  Tensor c = std::move(a);
  CHECK(a.numel() == 0);
  CHECK(a.data() == nullptr);
  REQUIRE(c.numel() == 6);
  c.values()[0] = 9;
  CHECK(b.values()[0] == 1);
  CHECK(c.values()[5] == 6);
  CHECK_THROWS_AS(Tensor::of({4}, values), std::invalid_argument);
}
