// conv2d: torch.nn.Conv2d.
#include <fmt/format.h>

#include <numeric>

#include "ops/op.h"
#include "ops/window.h"

namespace nnc {
namespace {

// PyTorch pads `same` by D*(K-1) in total, the odd one at the end.
std::array<int64_t, 2> same_padding(int64_t kernel, int64_t dilation) {
  int64_t total = dilation * (kernel - 1);
  return {total / 2, total - total / 2};
}

// "use groups: 4 or 6": the values nearest `groups` that divide both channel counts.
std::string groups_help(int64_t groups, int64_t in_channels, int64_t out_channels) {
  const int64_t common = std::gcd(in_channels, out_channels);
  if (common > (int64_t{1} << 20)) return "in_channels and out_channels must both be multiples of groups";
  int64_t below = 1, above = 0;
  for (int64_t d = 1; d <= common; ++d) {
    if (common % d != 0) continue;
    if (d < groups) below = d;
    if (d > groups && !above) above = d;
  }
  std::string help = above ? fmt::format("use groups: {} or {}", below, above) : fmt::format("use groups: {}", below);
  return help + fmt::format(" (groups must divide both {} and {})", in_channels, out_channels);
}

bool check_padding_mode(InferContext& ctx, const WindowOp& w, int64_t h, int64_t width) {
  const std::string& mode = ctx.attrs().word("padding_mode");
  const int64_t extent[2] = {h, width};
  for (int axis = 0; axis < 2; ++axis) {
    for (int64_t pad : w.pads[axis]) {
      if (mode == "reflect" && pad >= extent[axis])
        return ctx.error("reflect-padding-too-large",
                         fmt::format("{}: reflect padding {} must be smaller than the input {} {} (input '{}' has shape {})",
                                     ctx.what(), pad, axis == 0 ? "height" : "width", extent[axis], ctx.input_name(),
                                     to_string(ctx.input())),
                         fmt::format("use padding of at most {}, or padding_mode: replicate", extent[axis] - 1),
                         ctx.attrs().loc("padding"));
      if (mode == "circular" && pad > extent[axis])
        return ctx.error("circular-padding-too-large",
                         fmt::format("{}: circular padding {} would wrap around the input {} {} more than once",
                                     ctx.what(), pad, axis == 0 ? "height" : "width", extent[axis]),
                         fmt::format("use padding of at most {}", extent[axis]), ctx.attrs().loc("padding"));
    }
  }
  return true;
}

bool infer_conv2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const Attrs& a = ctx.attrs();
  const Shape& in = ctx.input();
  const int64_t channels = in[1], out_channels = a.integer("out_channels"), groups = a.integer("groups");
  ctx.check_given("in_channels", channels, "channels");
  bool ok = true;
  const bool in_divisible = channels % groups == 0, out_divisible = out_channels % groups == 0;
  if (!in_divisible && !out_divisible) {
    ok = ctx.error("groups-mismatch",
                   fmt::format("{}: groups {} must divide both the {} channels of its input '{}' and out_channels {}", ctx.what(),
                               groups, channels, ctx.input_name(), out_channels),
                   groups_help(groups, channels, out_channels), a.loc("groups"));
  } else if (!in_divisible) {
    ok = ctx.error("groups-mismatch",
                   fmt::format("{}: its input '{}' has {} channels, which is not divisible by groups {}", ctx.what(),
                               ctx.input_name(), channels, groups),
                   groups_help(groups, channels, out_channels), a.loc("groups"));
  } else if (!out_divisible) {
    const int64_t lower = out_channels / groups * groups;
    auto higher = checked::add(lower, groups);
    std::string help = lower > 0 && higher ? fmt::format("use out_channels: {} or {}", lower, *higher)
                       : higher            ? fmt::format("use out_channels: {}", *higher)
                                           : fmt::format("use out_channels: {}", lower);
    ok = ctx.error("groups-mismatch",
                   fmt::format("{}: out_channels {} is not divisible by groups {}", ctx.what(), out_channels, groups),
                   help + fmt::format(" (a multiple of groups {})", groups), a.loc("out_channels"));
  }

  WindowOp w;
  w.kernel = a.pair("kernel_size");
  w.stride = a.pair("stride");
  w.dilation = a.pair("dilation");
  const AttrValue& padding = a.get("padding");
  if (padding.word == "same") {
    for (int axis = 0; axis < 2; ++axis) {
      if (!checked::mul(w.dilation[axis], w.kernel[axis] - 1))
        return ctx.error("size-overflow", fmt::format("{}: dilation*(kernel_size-1) overflows 64-bit integers", ctx.what()));
      w.pads[axis] = same_padding(w.kernel[axis], w.dilation[axis]);
    }
    w.symmetric_padding = w.pads[0][0] == w.pads[0][1] && w.pads[1][0] == w.pads[1][1];
    if (w.stride != std::array<int64_t, 2>{1, 1})
      ok = ctx.error("same-padding-stride",
                     fmt::format("{}: padding: same needs stride 1, but stride is {}", ctx.what(), format_value(a.get("stride"))),
                     fmt::format("write padding: {} (what `same` pads for this kernel), or use stride: 1",
                                 format_value(AttrValue{.type = AttrType::Size2, .ints = {w.pads[0][0], w.pads[1][0]}})),
                     padding.loc);
  } else if (padding.word != "valid") {
    w.pads = {{{padding.ints[0], padding.ints[0]}, {padding.ints[1], padding.ints[1]}}};
  }
  if (!ok) return false;
  if (!check_padding_mode(ctx, w, in[2], in[3])) return false;

  std::array<int64_t, 2> out{};
  if (!infer_window(ctx, w, in[2], in[3], out)) return false;
  ctx.output = {in[0], out_channels, out[0], out[1]};
  ctx.params.push_back({"weight", {out_channels, channels / groups, w.kernel[0], w.kernel[1]}});
  if (a.flag("bias")) ctx.params.push_back({"bias", {out_channels}});

  // N * OC * OH * OW * (IC/groups) * KH * KW
  int64_t macs = 1;
  for (int64_t f : {in[0], out_channels, out[0], out[1], channels / groups, w.kernel[0], w.kernel[1]}) {
    auto next = checked::mul(macs, f);
    if (!next) return ctx.error("size-overflow", fmt::format("{}: its multiply-add count overflows 64-bit integers", ctx.what()));
    macs = *next;
  }
  ctx.macs = macs;
  return true;
}

}  // namespace

extern const OpDef conv2d_op{
    .name = "conv2d",
    .summary = "2-D convolution over [N, C, H, W] (torch.nn.Conv2d)",
    .attrs = {optional_int("in_channels", 1),
              required_int("out_channels", 1, "the number of filters"),
              required_size2("kernel_size", 1, "the filter size, e.g. 3 or [3, 5]"),
              size2_attr("stride", 1, 1),
              padding_attr("padding"),
              size2_attr("dilation", 1, 1),
              int_attr("groups", 1, 1),
              bool_attr("bias", true),
              choice_attr("padding_mode", {"zeros", "reflect", "replicate", "circular"}, "zeros")},
    .infer = infer_conv2d,
};

}  // namespace nnc
