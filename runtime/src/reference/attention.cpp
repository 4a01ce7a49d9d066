#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "checks.h"

namespace nnc::ref {
namespace {

// Rows `first`, ... `first + count - 1` of a [rows, E] weight and [rows] bias, as their own tensors.
Tensor rows_of(const Tensor& t, int64_t first, int64_t count) {
  Shape shape = t.shape();
  shape[0] = count;
  Tensor part(shape);
  const int64_t width = t.numel() / t.dim(0);
  std::copy_n(t.data() + first * width, count * width, part.data());
  return part;
}

// A [A, B, E] tensor as [B, A, E]: between PyTorch's [L, N, E] (batch_first false) and [N, L, E].
Tensor swap_first_dims(const Tensor& x) {
  const int64_t a = x.dim(0), b = x.dim(1), e = x.dim(2);
  Tensor y(Shape{b, a, e});
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j) std::copy_n(x.data() + (i * b + j) * e, e, y.data() + (j * a + i) * e);
  return y;
}

}  // namespace

Tensor multihead_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& in_proj_weight,
                           const Tensor* in_proj_bias, const Tensor& out_proj_weight, const Tensor* out_proj_bias,
                           int64_t num_heads, bool batch_first) {
  require(query.rank() == 3 && key.rank() == 3 && value.rank() == 3, "multihead_attention", "expected 3-D query, key and value");
  const int64_t e = query.dim(2);
  require(num_heads >= 1 && e % num_heads == 0, "multihead_attention", fmt::format("num_heads {} does not divide {}", num_heads, e));
  require(key.shape() == value.shape() && key.dim(2) == e, "multihead_attention", "expected key and value of one shape, with the query's E");
  require(in_proj_weight.shape() == Shape{3 * e, e} && out_proj_weight.shape() == Shape{e, e}, "multihead_attention",
          "expected in_proj_weight [3E, E] and out_proj.weight [E, E]");
  auto part = [&](int64_t i) { return rows_of(in_proj_weight, i * e, e); };
  auto bias_part = [&](int64_t i) { return in_proj_bias ? std::optional<Tensor>(rows_of(*in_proj_bias, i * e, e)) : std::nullopt; };
  auto project = [&](const Tensor& x, int64_t i) {
    const std::optional<Tensor> b = bias_part(i);
    return linear(batch_first ? x.clone() : swap_first_dims(x), part(i), b ? &*b : nullptr);
  };
  const Tensor q = project(query, 0), k = project(key, 1), v = project(value, 2);
  const int64_t n = q.dim(0), l = q.dim(1), s = k.dim(1), head = e / num_heads;
  require(k.dim(0) == n, "multihead_attention", "expected query, key and value of one batch size");
  const double scale = 1.0 / std::sqrt(static_cast<double>(head));
  Tensor heads(Shape{n, l, e});
  std::vector<double> p(static_cast<size_t>(s));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t h = 0; h < num_heads; ++h)
      for (int64_t i = 0; i < l; ++i) {
        const float* qi = q.data() + (b * l + i) * e + h * head;
        double max = -INFINITY, sum = 0;
        for (int64_t j = 0; j < s; ++j) {
          const float* kj = k.data() + (b * s + j) * e + h * head;
          double dot = 0;
          for (int64_t c = 0; c < head; ++c) dot += double{qi[c]} * kj[c];
          p[j] = dot * scale;
          max = std::max(max, p[j]);
        }
        for (int64_t j = 0; j < s; ++j) sum += p[j] = std::exp(p[j] - max);
        for (int64_t c = 0; c < head; ++c) {
          double out = 0;
          for (int64_t j = 0; j < s; ++j) out += p[j] / sum * v.data()[(b * s + j) * e + h * head + c];
          heads.data()[(b * l + i) * e + h * head + c] = static_cast<float>(out);
        }
      }
  Tensor y = linear(heads, out_proj_weight, out_proj_bias);  // [N, L, E]
  return batch_first ? std::move(y) : swap_first_dims(y);
}

}  // namespace nnc::ref
