// --verify's comparison: allclose with equal_nan, and never a pass for a NaN or an infinity against another value.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "reference/compare.h"

using nnc::Tensor;

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

Tensor tensor(std::initializer_list<float> values) {
  Tensor t(nnc::Shape{static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

nnc::Comparison compare(std::initializer_list<float> got, std::initializer_list<float> want) {
  return nnc::compare(tensor(got), tensor(want), 1e-4, 1e-5);
}

}  // namespace

TEST_CASE("NaN matches NaN and an infinity the same infinity", "[verify]") {
  auto c = compare({kNan, kInf, -kInf, 1.0f, -kNan}, {kNan, kInf, -kInf, 1.0f, kNan});
  CHECK(c.mismatches == 0);
  CHECK(c.max_abs == 0);
  CHECK(c.worst == -1);
}

TEST_CASE("a NaN or an infinity against anything else is a difference", "[verify]") {
  const std::vector<std::pair<float, float>> pairs = {
      {kNan, 1.0f}, {1.0f, kNan}, {kInf, -kInf}, {-kInf, kInf}, {kInf, 3e38f}, {3e38f, kInf}, {kInf, kNan}, {kNan, -kInf}, {0.0f, kInf}};
  for (auto [got, want] : pairs) {
    INFO(got << " vs " << want);
    auto c = compare({2.0f, got}, {2.0f, want});
    CHECK(c.mismatches == 1);
    CHECK(c.worst == 1);
    CHECK(std::isinf(c.max_abs));
  }
}

TEST_CASE("finite values keep allclose's tolerance", "[verify]") {
  CHECK(compare({1.0f, 1000.0f}, {1.000005f, 1000.05f}).mismatches == 0);
  auto c = compare({1.0f, 1000.0f, 5.0f}, {1.1f, 1000.0f, 5.0f});
  CHECK(c.mismatches == 1);
  CHECK(c.worst == 0);
  CHECK(c.max_abs == Approx(0.1).epsilon(1e-5));
  // The worst index is the largest difference, after a NaN elsewhere too.
  c = compare({kNan, 0.0f, 10.0f}, {kNan, 1.0f, 0.0f});
  CHECK(c.mismatches == 2);
  CHECK(c.worst == 2);
}

TEST_CASE("a nudged reference widens the tolerance by what rounding moves", "[verify]") {
  const nnc::Tensor want = tensor({0.0f, 0.0f, 1.0f});
  const nnc::Tensor nudged = tensor({2e-5f, 0.0f, kNan});
  // 3e-5 from a value that moved by 2e-5 is rounding; the same from a value that did not move is not.
  CHECK(nnc::compare(tensor({3e-5f, 3e-5f, 1.0f}), want, 1e-4, 1e-5, &nudged).mismatches == 1);
  // A difference far beyond what rounding explains is still one, and a NaN in the nudged run widens nothing.
  CHECK(nnc::compare(tensor({2e-5f * (nnc::kNudgeSlack + 1), 0.0f, 1.01f}), want, 1e-4, 1e-5, &nudged).mismatches == 2);
}
