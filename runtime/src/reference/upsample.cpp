// upsample: F.interpolate's nearest and bilinear modes, each source position computed as
// PyTorch's CPU kernels do (upsample.h: compute_scales_value, nearest_idx,
// area_pixel_compute_source_index), in the same float precision.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {
namespace {

float scales_value(std::optional<double> scale, int64_t in, int64_t out) {
  return scale && *scale > 0 ? static_cast<float>(1.0 / *scale) : static_cast<float>(in) / static_cast<float>(out);
}

// PyTorch's NCHW kernel computes every index; its channels-last kernel (nearest_idx), which an input of one
// channel takes, copies at out == in and halves at out == 2 * in whatever the scale.
int64_t nearest_source(int64_t o, int64_t in, int64_t out, std::optional<double> scale, bool shortcuts) {
  if (shortcuts && out == in) return o;
  if (shortcuts && out == 2 * in) return o >> 1;
  return std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * scales_value(scale, in, out))), in - 1);
}

struct Taps {
  int64_t first, second;
  float weight;  // of the second
};

// PyTorch's kernels copy an axis whose size does not change, whatever the scale_factor.
Taps linear_taps(int64_t o, int64_t in, int64_t out, bool align_corners, std::optional<double> scale) {
  if (out == in) return {o, o, 0.0f};
  float position = 0;
  if (align_corners) {
    const float s = out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1) : 0.0f;
    position = s * static_cast<float>(o);
  } else {
    const float s = scales_value(scale, in, out);
    position = std::max(static_cast<float>(static_cast<double>(s) * (static_cast<double>(o) + 0.5) - 0.5), 0.0f);
  }
  const auto first = static_cast<int64_t>(position);
  return {first, first < in - 1 ? first + 1 : first, std::clamp(position - static_cast<float>(first), 0.0f, 1.0f)};
}

}  // namespace

Tensor upsample(const Tensor& input, Pair output_size, UpsampleMode mode, bool align_corners, std::optional<Scales> scales) {
  const Nchw in = nchw(input, "upsample");
  require(output_size[0] >= 1 && output_size[1] >= 1 && in.h >= 1 && in.w >= 1, "upsample", "sizes must be at least 1");
  const Nchw out{in.n, in.c, output_size[0], output_size[1]};
  std::optional<double> scale_h, scale_w;
  if (scales) {
    scale_h = (*scales)[0];
    scale_w = (*scales)[1];
  }
  Tensor output({out.n, out.c, out.h, out.w});
  const float* x = input.data();
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          float& y = output.data()[offset4(out, n, c, oy, ox)];
          if (mode == UpsampleMode::nearest) {
            y = x[offset4(in, n, c, nearest_source(oy, in.h, out.h, scale_h, in.c == 1), nearest_source(ox, in.w, out.w, scale_w, in.c == 1))];
            continue;
          }
          const Taps r = linear_taps(oy, in.h, out.h, align_corners, scale_h), t = linear_taps(ox, in.w, out.w, align_corners, scale_w);
          auto row = [&](int64_t iy) {
            return x[offset4(in, n, c, iy, t.first)] * (1 - t.weight) + x[offset4(in, n, c, iy, t.second)] * t.weight;
          };
          y = row(r.first) * (1 - r.weight) + row(r.second) * r.weight;
        }
  return output;
}

}  // namespace nnc::ref
