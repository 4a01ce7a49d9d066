#include "nnc/init.h"

#include <algorithm>
#include <cmath>
#include <span>
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

void init_xavier_uniform(Tensor& t, uint64_t seed, std::string_view key) {
  const Shape& s = t.shape();
  if (s.size() != 2) throw std::invalid_argument(fmt::format("xavier_uniform needs a weight [out, in], got shape {}", to_string(s)));
  Pcg32 rng = stream_for(seed, key);
  fill_uniform(t, std::sqrt(6.0 / static_cast<double>(s[0] + s[1])), rng);
}

void init_normal(Tensor& t, uint64_t seed, std::string_view key) {
  constexpr double two_pi = 6.283185307179586;
  Pcg32 rng = stream_for(seed, key);
  // (k + 1) / 2^32 lies in (0, 1], so the logarithm is finite.
  auto unit = [&] { return (static_cast<double>(rng.next()) + 1.0) / 4294967296.0; };
  std::span<float> values = t.values();
  for (size_t i = 0; i < values.size(); i += 2) {
    const double radius = std::sqrt(-2.0 * std::log(unit())), angle = two_pi * unit();
    values[i] = static_cast<float>(radius * std::cos(angle));
    if (i + 1 < values.size()) values[i + 1] = static_cast<float>(radius * std::sin(angle));
  }
}

}  // namespace nnc
