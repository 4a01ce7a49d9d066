#include "nnc/init.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace nnc {

int64_t fan_in(const Shape& weight_shape) {
  if (weight_shape.size() < 2)
    throw std::invalid_argument(fmt::format("fan_in needs a weight of rank >= 2, got shape {}", to_string(weight_shape)));
  auto n = element_count(Shape(weight_shape.begin() + 1, weight_shape.end()));
  if (!n) throw std::invalid_argument(fmt::format("fan_in of shape {} overflows", to_string(weight_shape)));
  return *n;
}

void fill_uniform(Tensor& t, double bound, Pcg32& rng) {
  constexpr double half = 8388608.0;  // 2^23
  for (float& v : t.values()) {
    const double k = static_cast<double>(rng.next() >> 8);
    v = static_cast<float>(bound * ((k - half) / half));
  }
}

void fill(Tensor& t, float value) { std::fill(t.values().begin(), t.values().end(), value); }

void init_uniform_fan_in(Tensor& t, int64_t fan_in, uint64_t seed, std::string_view key) {
  if (fan_in <= 0) return fill(t, 0.0f);
  Pcg32 rng = stream_for(seed, key);
  fill_uniform(t, 1.0 / std::sqrt(static_cast<double>(fan_in)), rng);
}

}  // namespace nnc
