// The emitted C++'s vector helpers (compiler/codegen/cpp/prologue.hpp) against the standard library:
// exp and tanh over whole vectors are polynomial approximations, so they are checked in ulps over
// the whole float range, with the special values and every lane count the IR can produce.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "codegen/cpp/prologue.hpp"

namespace {

// Distance in representable floats; 0 for two NaNs.
std::int64_t ulps(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  auto ordered = [](float x) {
    std::int32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return bits < 0 ? std::int64_t{INT32_MIN} - bits : std::int64_t{bits};
  };
  return std::abs(ordered(a) - ordered(b));
}

std::vector<float> samples() {
  std::vector<float> xs = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-45f, 0.624f, 0.625f, -0.625f, 88.72f, 88.73f, -87.3f,
                           -103.9f, -104.0f, 100.0f, -100.0f, std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
  for (float x = -110.0f; x <= 110.0f; x += 0.0137f) xs.push_back(x);
  for (float x = -1.0f; x <= 1.0f; x += 0.00071f) xs.push_back(x);
  return xs;
}

template <int N, typename Vector, typename Scalar>
std::int64_t worst_ulps(Vector vector_fn, Scalar scalar_fn, float relative_floor) {
  std::vector<float> xs = samples();
  std::int64_t worst = 0;
  for (size_t i = 0; i + N <= xs.size(); i += N) {
    nnc_rt::vec<float, N> result = vector_fn(nnc_rt::load_dense<N>(xs.data() + i));
    float out[N];
    nnc_rt::store_dense(out, result);
    for (int lane = 0; lane < N; ++lane) {
      float expected = scalar_fn(xs[i + lane]);
      // Results below the floor are compared absolutely: denormals carry few significant bits.
      if (std::fabs(expected) < relative_floor && std::fabs(out[lane] - expected) <= relative_floor * 1e-6f) continue;
      worst = std::max(worst, ulps(out[lane], expected));
    }
  }
  return worst;
}

template <int N>
void check_lanes() {
  CAPTURE(N);
  CHECK(worst_ulps<N>([](auto v) { return nnc_rt::exp(v); }, [](float x) { return std::exp(x); }, 1e-37f) <= 2);
  CHECK(worst_ulps<N>([](auto v) { return nnc_rt::tanh(v); }, [](float x) { return std::tanh(x); }, 0.0f) <= 3);
}

}  // namespace

TEST_CASE("prologue: vector exp and tanh are within a few ulps of libm for every lane count") {
  check_lanes<16>();
  check_lanes<10>();
  check_lanes<7>();
  check_lanes<3>();
  check_lanes<1>();
}

TEST_CASE("prologue: dense loads and stores of any lane count touch exactly their lanes") {
  float source[20], target[20];
  for (int i = 0; i < 20; ++i) source[i] = static_cast<float>(i + 1);
  auto check = [&](auto lanes) {
    constexpr int N = decltype(lanes)::value;
    for (float& t : target) t = -1.0f;
    nnc_rt::store_dense(target + 2, nnc_rt::load_dense<N>(source + 2));
    for (int i = 0; i < 20; ++i) CHECK(target[i] == (i >= 2 && i < 2 + N ? source[i] : -1.0f));
  };
  check(std::integral_constant<int, 1>{});
  check(std::integral_constant<int, 5>{});
  check(std::integral_constant<int, 10>{});
  check(std::integral_constant<int, 13>{});
  check(std::integral_constant<int, 16>{});
}

TEST_CASE("prologue: masks, selects and min/max follow the LLVM backend's NaN rule") {
  auto x = nnc_rt::load_dense<4>(std::vector<float>{1.0f, NAN, -2.0f, 3.0f}.data());
  auto zero = nnc_rt::broadcast<4, float>(0.0f);
  float out[4];
  nnc_rt::store_dense(out, nnc_rt::max(x, zero));  // relu: a NaN `a` gives `b`
  CHECK(out[0] == 1.0f);
  CHECK(out[1] == 0.0f);
  CHECK(out[2] == 0.0f);
  CHECK(out[3] == 3.0f);
  auto index = nnc_rt::ramp<4>(5, -3);
  auto inside = (index >= nnc_rt::broadcast<4, std::int64_t>(0)) && !(index == nnc_rt::broadcast<4, std::int64_t>(2));
  nnc_rt::store_dense(out, nnc_rt::select(inside, x, zero));
  CHECK(out[0] == 1.0f);  // index 5
  CHECK(out[1] == 0.0f);  // index 2
  CHECK(out[2] == 0.0f);  // index -1
  CHECK(out[3] == 0.0f);  // index -4
  auto q = nnc_rt::floor_div(index, nnc_rt::broadcast<4, std::int64_t>(2));
  CHECK(q.get(2) == -1);
  CHECK(q.get(3) == -2);
}
