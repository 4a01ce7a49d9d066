// maxpool2d, avgpool2d, adaptive_avgpool2d and adaptive_maxpool2d.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {
namespace {

// Every index a window computes, up to (out-1)*stride + (kernel-1)*dilation, fits in int64.
void check_windows(const char* op, const Pair& kernel, const Pair& stride, const Pair& padding, const Pair& dilation,
                   const Pair& output) {
  for (int axis = 0; axis < 2; ++axis) {
    require(kernel[axis] >= 1 && stride[axis] >= 1 && dilation[axis] >= 1, op,
            "kernel_size, stride and dilation must be at least 1");
    require(padding[axis] >= 0 && output[axis] >= 0, op, "padding and output size must not be negative");
    auto last = checked::mul(std::max<int64_t>(output[axis] - 1, 0), stride[axis]);
    auto reach = checked::mul(kernel[axis] - 1, dilation[axis]);
    require(last && reach && checked::add(*last, *reach), op, "the window arithmetic overflows 64-bit integers");
  }
}

}  // namespace

Tensor maxpool2d(const Tensor& input, const MaxPool2dParams& p) {
  const Nchw in = nchw(input, "maxpool2d");
  check_windows("maxpool2d", p.kernel, p.stride, p.padding, p.dilation, p.output);
  const Nchw out{in.n, in.c, p.output[0], p.output[1]};
  Tensor output({out.n, out.c, out.h, out.w});
  const float* x = input.data();
  float* y = output.data();
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          float best = -std::numeric_limits<float>::infinity();
          for (int64_t ky = 0; ky < p.kernel[0]; ++ky)
            for (int64_t kx = 0; kx < p.kernel[1]; ++kx) {
              const int64_t iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
              const int64_t ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
              if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
              const float v = x[offset4(in, n, c, iy, ix)];
              if (v > best || std::isnan(v)) best = v;
            }
          y[offset4(out, n, c, oy, ox)] = best;
        }
  return output;
}

Tensor avgpool2d(const Tensor& input, const AvgPool2dParams& p) {
  const Nchw in = nchw(input, "avgpool2d");
  check_windows("avgpool2d", p.kernel, p.stride, p.padding, {1, 1}, p.output);
  require(checked::add(in.h, p.padding[0]) && checked::add(in.w, p.padding[1]), "avgpool2d",
          "the window arithmetic overflows 64-bit integers");
  const Nchw out{in.n, in.c, p.output[0], p.output[1]};
  Tensor output({out.n, out.c, out.h, out.w});
  const float* x = input.data();
  float* y = output.data();
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          // The window clipped to the padded input, then to the input itself.
          const int64_t y0 = oy * p.stride[0] - p.padding[0], x0 = ox * p.stride[1] - p.padding[1];
          const int64_t y1 = std::min(y0 + p.kernel[0], in.h + p.padding[0]);
          const int64_t x1 = std::min(x0 + p.kernel[1], in.w + p.padding[1]);
          const int64_t padded_count = (y1 - y0) * (x1 - x0);
          const int64_t iy0 = std::max<int64_t>(y0, 0), ix0 = std::max<int64_t>(x0, 0);
          const int64_t iy1 = std::min(y1, in.h), ix1 = std::min(x1, in.w);
          if (iy0 >= iy1 || ix0 >= ix1) continue;  // no input position: PyTorch writes 0
          double sum = 0;
          for (int64_t iy = iy0; iy < iy1; ++iy)
            for (int64_t ix = ix0; ix < ix1; ++ix) sum += x[offset4(in, n, c, iy, ix)];
          const int64_t divisor = p.count_include_pad ? padded_count : (iy1 - iy0) * (ix1 - ix0);
          y[offset4(out, n, c, oy, ox)] = static_cast<float>(sum / static_cast<double>(divisor));
        }
  return output;
}

namespace {

// Output cell (oy, ox) of an adaptive pool covers rows [y0, y1) and columns [x0, x1) of the input:
// [floor(i*in/out), ceil((i+1)*in/out)) along each axis. `reduce` gets the input plane and the window.
template <typename Reduce>
Tensor adaptive_pool(const Tensor& input, Pair output_size, const char* op, Reduce reduce) {
  const Nchw in = nchw(input, op);
  const Nchw out{in.n, in.c, output_size[0], output_size[1]};
  require(out.h >= 0 && out.w >= 0, op, "the output size must not be negative");
  require((out.h == 0 || in.h > 0) && (out.w == 0 || in.w > 0), op,
          fmt::format("an input {} has no positions to pool", to_string(input.shape())));
  for (auto [o, i] : {Pair{out.h, in.h}, Pair{out.w, in.w}}) {
    auto product = checked::mul(o, i);
    require(product && checked::add(*product, o), op, "the window arithmetic overflows 64-bit integers");
  }
  Tensor output({out.n, out.c, out.h, out.w});
  float* y = output.data();
  auto start = [](int64_t i, int64_t in_size, int64_t out_size) { return i * in_size / out_size; };
  auto end = [](int64_t i, int64_t in_size, int64_t out_size) { return ((i + 1) * in_size + out_size - 1) / out_size; };
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          const float* plane = input.data() + offset4(in, n, c, 0, 0);
          y[offset4(out, n, c, oy, ox)] =
              reduce(plane, in.w, start(oy, in.h, out.h), end(oy, in.h, out.h), start(ox, in.w, out.w), end(ox, in.w, out.w));
        }
  return output;
}

}  // namespace

Tensor adaptive_avgpool2d(const Tensor& input, Pair output_size) {
  return adaptive_pool(input, output_size, "adaptive_avgpool2d",
                       [](const float* x, int64_t width, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
                         double sum = 0;
                         for (int64_t iy = y0; iy < y1; ++iy)
                           for (int64_t ix = x0; ix < x1; ++ix) sum += x[iy * width + ix];
                         return static_cast<float>(sum / static_cast<double>((y1 - y0) * (x1 - x0)));
                       });
}

Tensor adaptive_maxpool2d(const Tensor& input, Pair output_size) {
  return adaptive_pool(input, output_size, "adaptive_maxpool2d",
                       [](const float* x, int64_t width, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
                         float best = -std::numeric_limits<float>::infinity();
                         for (int64_t iy = y0; iy < y1; ++iy)
                           for (int64_t ix = x0; ix < x1; ++ix) {
                             const float v = x[iy * width + ix];
                             if (v > best || std::isnan(v)) best = v;
                           }
                         return best;
                       });
}

}  // namespace nnc::ref
