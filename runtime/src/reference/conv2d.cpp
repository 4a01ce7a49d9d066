#include <optional>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {
namespace {

void check_padding(PaddingMode mode, int64_t lo, int64_t hi, int64_t size) {
  require(lo >= 0 && hi >= 0, "conv2d", "padding must not be negative");
  if (mode == PaddingMode::reflect)
    require(lo < size && hi < size, "conv2d", fmt::format("reflect padding {}/{} must be smaller than the input size {}", lo, hi, size));
  if (mode == PaddingMode::circular)
    require(lo <= size && hi <= size, "conv2d", fmt::format("circular padding {}/{} must not exceed the input size {}", lo, hi, size));
  if (mode == PaddingMode::replicate && (lo > 0 || hi > 0))
    require(size > 0, "conv2d", "replicate padding needs a non-empty input");
}

int64_t output_size(int64_t in, int64_t lo, int64_t hi, int64_t kernel, int64_t stride, int64_t dilation) {
  auto padded = checked::add(in, lo);
  if (padded) padded = checked::add(*padded, hi);
  auto reach = checked::mul(dilation, kernel - 1);
  require(padded && reach, "conv2d", "the window arithmetic overflows 64-bit integers");
  const int64_t span = *padded - *reach - 1;
  require(span >= 0, "conv2d", fmt::format("the kernel ({} dilated by {}) is larger than the padded input ({})", kernel,
                                           dilation, *padded));
  return span / stride + 1;
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor* bias, const Conv2dParams& p) {
  const Nchw in = nchw(input, "conv2d");
  require(weight.rank() == 4, "conv2d", fmt::format("expected a weight [OC, C/groups, KH, KW], got {}", to_string(weight.shape())));
  const int64_t out_channels = weight.dim(0), group_channels = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
  require(kh >= 1 && kw >= 1, "conv2d", fmt::format("the weight {} has an empty kernel", to_string(weight.shape())));
  const int64_t groups = p.groups;
  require(groups >= 1 && in.c % groups == 0 && out_channels % groups == 0 && group_channels == in.c / groups, "conv2d",
          fmt::format("weight {} does not fit {} input channels in {} groups", to_string(weight.shape()), in.c, groups));
  require(!bias || bias->shape() == Shape{out_channels}, "conv2d",
          fmt::format("expected a bias [{}], got {}", out_channels, bias ? to_string(bias->shape()) : ""));
  for (int axis = 0; axis < 2; ++axis)
    require(p.stride[axis] >= 1 && p.dilation[axis] >= 1, "conv2d", "stride and dilation must be at least 1");
  check_padding(p.padding_mode, p.pad_lo[0], p.pad_hi[0], in.h);
  check_padding(p.padding_mode, p.pad_lo[1], p.pad_hi[1], in.w);

  const int64_t oh = output_size(in.h, p.pad_lo[0], p.pad_hi[0], kh, p.stride[0], p.dilation[0]);
  const int64_t ow = output_size(in.w, p.pad_lo[1], p.pad_hi[1], kw, p.stride[1], p.dilation[1]);
  Tensor output({in.n, out_channels, oh, ow});
  const Nchw out{in.n, out_channels, oh, ow};
  const Nchw wshape{out_channels, group_channels, kh, kw};
  const float* x = input.data();
  const float* w = weight.data();
  float* y = output.data();
  const int64_t out_per_group = out_channels / groups;

  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t oc = 0; oc < out_channels; ++oc)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          const int64_t group = oc / out_per_group;
          double sum = bias ? bias->data()[oc] : 0.0;
          for (int64_t gc = 0; gc < group_channels; ++gc)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                auto iy = padded_source(oy * p.stride[0] - p.pad_lo[0] + ky * p.dilation[0], in.h, p.padding_mode);
                auto ix = padded_source(ox * p.stride[1] - p.pad_lo[1] + kx * p.dilation[1], in.w, p.padding_mode);
                if (!iy || !ix) continue;
                const int64_t ic = group * group_channels + gc;
                sum += double{x[offset4(in, n, ic, *iy, *ix)]} * w[offset4(wshape, oc, gc, ky, kx)];
              }
          y[offset4(out, n, oc, oy, ox)] = static_cast<float>(sum);
        }
  return output;
}

}  // namespace nnc::ref
