// The pooling family: maxpool2d, avgpool2d (torch.nn.MaxPool2d, AvgPool2d) and
// adaptive_avgpool2d (torch.nn.AdaptiveAvgPool2d).
#include <fmt/format.h>

#include "ops/op.h"
#include "ops/window.h"

namespace nnc {
namespace {

bool infer_pool(InferContext& ctx, bool has_dilation) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const Attrs& a = ctx.attrs();
  const Shape& in = ctx.input();
  WindowOp w;
  w.is_pool = true;
  w.kernel = a.pair("kernel_size");
  w.stride = a.pair("stride");
  if (has_dilation) w.dilation = a.pair("dilation");
  w.ceil_mode = a.flag("ceil_mode");
  auto pad = a.pair("padding");
  for (int axis = 0; axis < 2; ++axis) {
    // PyTorch (1.13) bounds pool padding by half the undilated kernel.
    if (pad[axis] > w.kernel[axis] / 2)
      return ctx.error("pool-padding-too-large",
                       fmt::format("{}: padding {} is more than half the kernel size {}", ctx.what(), pad[axis],
                                   w.kernel[axis]),
                       fmt::format("use padding of at most {} (kernel_size / 2)", w.kernel[axis] / 2), a.loc("padding"));
    w.pads[axis] = {pad[axis], pad[axis]};
  }
  std::array<int64_t, 2> out{};
  if (!infer_window(ctx, w, in[2], in[3], out)) return false;
  ctx.output = {in[0], in[1], out[0], out[1]};
  return true;
}

bool infer_maxpool2d(InferContext& ctx) { return infer_pool(ctx, true); }
bool infer_avgpool2d(InferContext& ctx) { return infer_pool(ctx, false); }

// Adaptive window i along an axis covers [floor(i*in/out), ceil((i+1)*in/out)).
std::string adaptive_formula(const char* axis, int64_t in, int64_t out) {
  std::string text = fmt::format("{} = {} (output_size", axis, out);
  const int64_t max_listed = 4096;  // beyond this the window sizes are not worth a loop
  if (out <= max_listed && in <= INT64_MAX / max_listed) {
    int64_t smallest = INT64_MAX, largest = 0;
    for (int64_t i = 0; i < out; ++i) {
      int64_t size = (i + 1) * in / out + ((i + 1) * in % out != 0) - i * in / out;
      smallest = std::min(smallest, size);
      largest = std::max(largest, size);
    }
    text += smallest == largest ? fmt::format("; windows of {}", smallest) : fmt::format("; windows of {} to {}", smallest, largest);
  }
  return text + ")";
}

bool infer_adaptive_avgpool2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const AttrValue& size = ctx.attrs().get("output_size");
  const Shape& in = ctx.input();
  int64_t oh = size.keep[0] ? in[2] : size.ints[0];
  int64_t ow = size.keep[1] ? in[3] : size.ints[1];
  ctx.output = {in[0], in[1], oh, ow};
  ctx.formulas.push_back(adaptive_formula("OH", in[2], oh));
  ctx.formulas.push_back(adaptive_formula("OW", in[3], ow));
  return true;
}

}  // namespace

extern const OpDef maxpool2d_op{
    .name = "maxpool2d",
    .summary = "max over sliding windows (torch.nn.MaxPool2d)",
    .attrs = {required_size2("kernel_size", 1, "the window size, e.g. 2"), size2_same_as("stride", "kernel_size", 1),
              size2_attr("padding", 0, 0), size2_attr("dilation", 1, 1), bool_attr("ceil_mode", false)},
    .infer = infer_maxpool2d,
};

extern const OpDef avgpool2d_op{
    .name = "avgpool2d",
    .summary = "mean over sliding windows (torch.nn.AvgPool2d)",
    .attrs = {required_size2("kernel_size", 1, "the window size, e.g. 2"), size2_same_as("stride", "kernel_size", 1),
              size2_attr("padding", 0, 0), bool_attr("ceil_mode", false), bool_attr("count_include_pad", true)},
    .infer = infer_avgpool2d,
};

extern const OpDef adaptive_avgpool2d_op{
    .name = "adaptive_avgpool2d",
    .summary = "mean over windows chosen to give a fixed output size (torch.nn.AdaptiveAvgPool2d)",
    .attrs = {required_output_size("output_size", "the output height and width, e.g. 1 or [7, 7]")},
    .infer = infer_adaptive_avgpool2d,
};

}  // namespace nnc
