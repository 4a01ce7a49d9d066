// conv_transpose2d, in scatter form: every input element adds its weighted filter to the output,
// the opposite of the gather the compiler lowers to.
#include <vector>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor* bias, const ConvTranspose2dParams& p) {
  const Nchw in = nchw(input, "conv_transpose2d");
  const Nchw w = nchw(weight, "conv_transpose2d weight");
  require(p.groups >= 1 && in.c % p.groups == 0 && w.n == in.c, "conv_transpose2d",
          fmt::format("the weight [{}, ...] must have the input's {} channels, a multiple of groups {}", w.n, in.c, p.groups));
  const int64_t oc_per_group = w.c, ic_per_group = in.c / p.groups;
  Pair size{};
  const int64_t extents[2] = {in.h, in.w}, kernel[2] = {w.h, w.w};
  for (int axis = 0; axis < 2; ++axis) {
    require(p.stride[axis] >= 1 && p.dilation[axis] >= 1 && p.padding[axis] >= 0 && p.output_padding[axis] >= 0, "conv_transpose2d",
            "stride and dilation must be at least 1, padding and output_padding at least 0");
    size[axis] = (extents[axis] - 1) * p.stride[axis] - 2 * p.padding[axis] + p.dilation[axis] * (kernel[axis] - 1) + p.output_padding[axis] + 1;
    require(size[axis] >= 1, "conv_transpose2d", "the padding crops the whole output");
  }
  const Nchw out{in.n, oc_per_group * p.groups, size[0], size[1]};
  if (bias) require(bias->numel() == out.c, "conv_transpose2d", fmt::format("bias must have {} entries", out.c));
  std::vector<double> sum(static_cast<size_t>(out.n * out.c * out.h * out.w));
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t oc = 0; oc < out.c; ++oc)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) sum[static_cast<size_t>(offset4(out, n, oc, oy, ox))] = bias ? bias->data()[oc] : 0.0;
  const float* x = input.data();
  const float* f = weight.data();
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t ic = 0; ic < in.c; ++ic)
      for (int64_t iy = 0; iy < in.h; ++iy)
        for (int64_t ix = 0; ix < in.w; ++ix)
          for (int64_t j = 0; j < oc_per_group; ++j)
            for (int64_t ky = 0; ky < w.h; ++ky)
              for (int64_t kx = 0; kx < w.w; ++kx) {
                const int64_t oy = iy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
                const int64_t ox = ix * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (oy < 0 || oy >= out.h || ox < 0 || ox >= out.w) continue;
                const int64_t oc = ic / ic_per_group * oc_per_group + j;
                sum[static_cast<size_t>(offset4(out, n, oc, oy, ox))] +=
                    static_cast<double>(x[offset4(in, n, ic, iy, ix)]) * f[offset4(w, ic, j, ky, kx)];
              }
  Tensor output({out.n, out.c, out.h, out.w});
  for (size_t i = 0; i < sum.size(); ++i) output.data()[i] = static_cast<float>(sum[i]);
  return output;
}

}  // namespace nnc::ref
