// conv2d: torch.nn.Conv2d.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/conv2d_channel_vectors.h"
#include "ops/conv2d_depthwise.h"
#include "ops/op.h"
#include "ops/window.h"
#include "ops/zero_pad.h"

namespace nnc {
namespace {

struct Conv2dAttrs {
  Attr<int64_t> in_channels, out_channels;
  Attr<Pair> kernel_size, stride;
  Attr<Padding> padding;
  Attr<Pair> dilation;
  Attr<int64_t> groups;
  Attr<bool> bias;
  Attr<ref::PaddingMode> padding_mode;
};

// PyTorch pads `same` by D*(K-1) in total, the odd one at the end.
std::array<int64_t, 2> same_padding(int64_t kernel, int64_t dilation) {
  int64_t total = dilation * (kernel - 1);
  return {total / 2, total - total / 2};
}

// [axis][before, after] padding, as the attributes ask for it.
std::array<std::array<int64_t, 2>, 2> resolved_padding(const Conv2dAttrs& a) {
  const Padding& padding = a.padding.value;
  if (padding.rule == Padding::Rule::Valid) return {};
  if (padding.rule == Padding::Rule::Same) {
    const Pair &k = a.kernel_size.value, &d = a.dilation.value;
    return {same_padding(k[0], d[0]), same_padding(k[1], d[1])};
  }
  return {{{padding.sizes[0], padding.sizes[0]}, {padding.sizes[1], padding.sizes[1]}}};
}

bool check_padding_mode(InferContext& ctx, const WindowOp& w, int64_t h, int64_t width) {
  const Attr<Padding>& padding = ctx.attrs<Conv2dAttrs>().padding;
  const ref::PaddingMode mode = ctx.attrs<Conv2dAttrs>().padding_mode.value;
  const int64_t extent[2] = {h, width};
  for (int axis = 0; axis < 2; ++axis) {
    for (int64_t pad : w.pads[axis]) {
      if (mode == ref::PaddingMode::reflect && pad >= extent[axis])
        return ctx.error("reflect-padding-too-large",
                         fmt::format("{}: reflect padding {} must be smaller than the input {} {} (input '{}' has shape {})",
                                     ctx.what(), pad, axis == 0 ? "height" : "width", extent[axis], ctx.input_name(),
                                     to_string(ctx.input())),
                         fmt::format("use padding of at most {}, or padding_mode: replicate", extent[axis] - 1),
                         padding.loc);
      if (mode == ref::PaddingMode::circular && pad > extent[axis])
        return ctx.error("circular-padding-too-large",
                         fmt::format("{}: circular padding {} would wrap around the input {} {} more than once",
                                     ctx.what(), pad, axis == 0 ? "height" : "width", extent[axis]),
                         fmt::format("use padding of at most {}", extent[axis]), padding.loc);
    }
  }
  return true;
}

bool infer_conv2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const Conv2dAttrs& a = ctx.attrs<Conv2dAttrs>();
  const Shape& in = ctx.input();
  const int64_t channels = in[1], out_channels = a.out_channels.value, groups = a.groups.value;
  ctx.check_given(a.in_channels, channels, "channels");
  bool ok = check_groups(ctx, channels, a.out_channels, a.groups);

  WindowOp w;
  w.kernel = a.kernel_size.value;
  w.stride = a.stride.value;
  w.dilation = a.dilation.value;
  w.kernel_loc = a.kernel_size.loc;
  w.stride_loc = a.stride.loc;
  if (a.padding.value.rule == Padding::Rule::Same) {
    for (int axis = 0; axis < 2; ++axis)
      if (!checked::mul(w.dilation[axis], w.kernel[axis] - 1))
        return ctx.error("size-overflow", fmt::format("{}: dilation*(kernel_size-1) overflows 64-bit integers", ctx.what()));
    if (w.stride != std::array<int64_t, 2>{1, 1}) {
      auto pads = resolved_padding(a);
      ok = ctx.error("same-padding-stride",
                     fmt::format("{}: padding: same needs stride 1, but stride is {}", ctx.what(), format_value(AttrValue{.type = AttrType::Size2, .ints = w.stride})),
                     fmt::format("write padding: {} (what `same` pads for this kernel), or use stride: 1",
                                 format_value(AttrValue{.type = AttrType::Size2, .ints = {pads[0][0], pads[1][0]}})),
                     a.padding.loc);
    }
  }
  w.pads = resolved_padding(a);
  w.symmetric_padding = w.pads[0][0] == w.pads[0][1] && w.pads[1][0] == w.pads[1][1];
  if (!ok) return false;
  if (!check_padding_mode(ctx, w, in[2], in[3])) return false;

  std::array<int64_t, 2> out{};
  if (!infer_window(ctx, w, in[2], in[3], out)) return false;
  if (!element_count({in[0], in[1], in[2] + w.pads[0][0] + w.pads[0][1], in[3] + w.pads[1][0] + w.pads[1][1]}))
    return ctx.error("size-overflow", fmt::format("{}: its padded input has more than 2^56 elements, more than nnc can address", ctx.what()));
  ctx.output = {in[0], out_channels, out[0], out[1]};
  ctx.params.push_back({"weight", {out_channels, channels / groups, w.kernel[0], w.kernel[1]}});
  if (a.bias.value) ctx.params.push_back({"bias", {out_channels}});

  // N * OC * OH * OW * (IC/groups) * KH * KW
  return count_macs(ctx, {in[0], out_channels, out[0], out[1], channels / groups, w.kernel[0], w.kernel[1]});
}

bool has_padding(const Conv2dAttrs& a) {
  auto pads = resolved_padding(a);
  return pads[0][0] || pads[0][1] || pads[1][0] || pads[1][1];
}

PlanePadding plane_padding(const Conv2dAttrs& a) {
  auto pads = resolved_padding(a);
  return {.top = pads[0][0], .bottom = pads[0][1], .left = pads[1][0], .right = pads[1][1]};
}

bool is_depthwise(const Conv2dAttrs& a, const Shape& in) { return a.groups.value > 1 && in[1] == a.groups.value; }

bool on_channel_vectors(const Conv2dAttrs& a, const Shape& in, const Shape& out) {
  return a.groups.value == 1 && prefers_channel_vectors(in[1], a.kernel_size.value, out[1]);
}

int64_t conv2d_param_row_block(const Layer& layer, const std::vector<Shape>& inputs, const std::string& param) {
  return param == "weight" && on_channel_vectors(attrs_of<Conv2dAttrs>(layer), inputs[0], *layer.shape) ? kChannelVectorLanes : 0;
}

// A depthwise convolution with zero padding pads each plane just before reading it, into a
// buffer on the stack that stays in cache, when the plane is small enough for that.
bool pads_each_plane(const Conv2dAttrs& a, const Shape& in) {
  constexpr int64_t kMaxPlane = 16384;  // floats: 64 KiB
  const PlanePadding pad = plane_padding(a);
  return is_depthwise(a, in) && a.padding_mode.value == ref::PaddingMode::zeros && has_padding(a) &&
         (in[2] + pad.top + pad.bottom) * (in[3] + pad.left + pad.right) <= kMaxPlane;
}

// Otherwise the padded input is materialised once, so the convolution itself reads without bounds
// checks and every padding mode is one index mapping.
int64_t conv2d_scratch(const Layer& layer, const std::vector<Shape>& inputs) {
  const Conv2dAttrs& a = attrs_of<Conv2dAttrs>(layer);
  if (!has_padding(a) || pads_each_plane(a, inputs[0])) return 0;
  auto pads = resolved_padding(a);
  const Shape& in = inputs[0];
  return *element_count({in[0], in[1], in[2] + pads[0][0] + pads[0][1], in[3] + pads[1][0] + pads[1][1]});
}

ir::Stmt pad_input(LowerContext& ctx, const TensorRef& padded) {
  using ir::Expr;
  const TensorRef& in = ctx.input();
  const auto pads = resolved_padding(ctx.attrs<Conv2dAttrs>());
  const ref::PaddingMode mode = ctx.attrs<Conv2dAttrs>().padding_mode.value;
  if (mode == ref::PaddingMode::zeros) {
    const Shape planes = {in.shape[0], in.shape[1]};
    return loop_nest(ctx, planes, [&](const std::vector<Expr>& i) {
      return zero_pad_plane(ctx, in.buffer, flat_index(in.shape, {i[0], i[1], Expr(0), Expr(0)}), in.shape[2], in.shape[3],
                            padded.buffer, flat_index(padded.shape, {i[0], i[1], Expr(0), Expr(0)}), plane_padding(ctx.attrs<Conv2dAttrs>()));
    });
  }
  return loop_nest(ctx, padded.shape, [&](const std::vector<Expr>& i) {
    std::string ih = ctx.fresh_name("ih"), iw = ctx.fresh_name("iw");
    Expr h = ir::i64_var(ih), w = ir::i64_var(iw);
    Expr value = ir::Load::make(in.buffer, flat_index(in.shape, {i[0], i[1], padded_source(mode, h, in.shape[2]), padded_source(mode, w, in.shape[3])}));
    ir::Stmt store = ir::Store::make(padded.buffer, value, flat_index(padded.shape, i));
    return ir::LetStmt::make(ih, i[2] - Expr(pads[0][0]), ir::LetStmt::make(iw, i[3] - Expr(pads[1][0]), store));
  });
}

ir::Stmt lower_conv2d(LowerContext& ctx) {
  using ir::Expr;
  const Conv2dAttrs& a = ctx.attrs<Conv2dAttrs>();
  const TensorRef& out = ctx.output();
  TensorRef src = ctx.input();
  const Pair &k = a.kernel_size.value, &s = a.stride.value, &d = a.dilation.value;
  const bool depthwise = is_depthwise(a, src.shape), plane_padded = pads_each_plane(a, src.shape);
  std::vector<ir::Stmt> steps;
  if (has_padding(a) && !plane_padded) {
    auto pads = resolved_padding(a);
    Shape padded = {src.shape[0], src.shape[1], src.shape[2] + pads[0][0] + pads[0][1], src.shape[3] + pads[1][0] + pads[1][1]};
    src = TensorRef{ctx.scratch(), padded};
    steps.push_back(pad_input(ctx, src));
  }
  if (on_channel_vectors(a, ctx.input().shape, out.shape)) {
    steps.push_back(lower_conv2d_channel_vectors(ctx, src, {.kernel = k, .stride = s, .dilation = d, .bias = a.bias.value}));
    return ir::Block::make(std::move(steps));
  }
  if (depthwise) {
    DepthwiseConv conv{.kernel = k, .stride = s, .dilation = d, .bias = a.bias.value};
    if (plane_padded) conv.pad = plane_padding(a);
    steps.push_back(lower_depthwise_conv2d(ctx, src, conv));
    return ir::Block::make(std::move(steps));
  }
  const int64_t groups = a.groups.value, oc_per_group = out.shape[1] / groups, ic_per_group = src.shape[1] / groups;
  const int64_t out_w = out.shape[3];
  const RegisterTile tile = choose_output_tile(out_w, oc_per_group);
  const int64_t tiles = (out_w + tile.width() - 1) / tile.width();
  const ir::Buffer& weight = ctx.param("weight");
  const bool bias = a.bias.value;
  const int64_t work = out.shape[1] * out.shape[2] * out_w * ic_per_group * k[0] * k[1];
  const ir::ForKind block_kind = ctx.worth_parallel(work) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  const Shape weight_shape = {out.shape[1], ic_per_group, k[0], k[1]};

  steps.push_back(loop(ctx, "n", 0, out.shape[0], [&](const Expr& n) {
    return loop(ctx, "ocb", 0, out.shape[1] / tile.rows, [&](const Expr& ocb) {
      Expr oc0 = ocb * Expr(tile.rows);
      Expr group_base = groups == 1 ? Expr(0) : oc0 / Expr(oc_per_group) * Expr(ic_per_group);
      return loop(ctx, "oh", 0, out.shape[2], [&](const Expr& oh) {
        return loop(ctx, "t", 0, tiles, [&](const Expr& t) {
          // The last tile is moved left to end at the last column; its overlap is computed twice.
          std::string ow0_name = ctx.fresh_name("ow0");
          Expr ow0 = ir::i64_var(ow0_name);
          // Accumulator (j, v): output channel oc0 + j, columns ow0 + v * lanes onwards.
          AccumulatorTile acc(ctx, tile);
          ir::Stmt init = acc.for_each([&](int64_t j, int64_t v) {
            return acc.init(j, v, bias ? ir::Load::make(ctx.param("bias"), oc0 + Expr(j)) : ir::f32(0));
          });
          ir::Stmt store = acc.for_each([&](int64_t j, int64_t v) {
            Expr at = flat_index(out.shape, {n, oc0 + Expr(j), oh, ow0 + Expr(v * tile.lanes)});
            return ctx.store_output(lane_indices(at, 1, tile.lanes), acc.value(j, v), oc0 + Expr(j));
          });
          ir::Stmt reduction = loop(ctx, "ic", 0, ic_per_group, [&](const Expr& ic) {
            return loop(ctx, "kh", 0, k[0], [&](const Expr& kh) {
              return loop(ctx, "kw", 0, k[1], [&](const Expr& kw) {
                std::vector<Expr> columns, weights;
                for (int64_t v = 0; v < tile.columns; ++v) {
                  Expr column = (ow0 + Expr(v * tile.lanes)) * Expr(s[1]) + kw * Expr(d[1]);
                  Expr at = flat_index(src.shape, {n, group_base + ic, oh * Expr(s[0]) + kh * Expr(d[0]), column});
                  columns.push_back(load_lanes(src.buffer, at, s[1], tile.lanes));
                }
                for (int64_t j = 0; j < tile.rows; ++j)
                  weights.push_back(splat(ir::Load::make(weight, flat_index(weight_shape, {oc0 + Expr(j), ic, kh, kw})), tile.lanes));
                std::vector<std::pair<std::string, Expr>> lets;
                std::vector<Expr> x = bind_each(ctx, "x", columns, lets);
                return with_lets(lets, acc.for_each([&](int64_t j, int64_t v) { return acc.fma(j, v, x[v], weights[j]); }));
              });
            });
          });
          return ir::LetStmt::make(ow0_name, ir::min(t * Expr(tile.width()), Expr(out_w - tile.width())),
                                   acc.allocate(ir::Block::make({init, reduction, store})));
        });
      });
    }, block_kind);
  }));
  return ir::Block::make(std::move(steps));
}

Tensor reference_conv2d(const ReferenceContext& ctx) {
  const Conv2dAttrs& a = ctx.attrs<Conv2dAttrs>();
  auto pads = resolved_padding(a);
  ref::Conv2dParams p{.stride = a.stride.value,
                      .pad_lo = {pads[0][0], pads[1][0]},
                      .pad_hi = {pads[0][1], pads[1][1]},
                      .dilation = a.dilation.value,
                      .groups = a.groups.value,
                      .padding_mode = a.padding_mode.value};
  return ref::conv2d(ctx.input(), *ctx.param("weight"), ctx.param("bias"), p);
}

using A = Conv2dAttrs;

const OpDef conv2d_op{
    .schema = {.name = "conv2d",
               .suggested_for = {"conv"},
               .summary = "2-D convolution over [N, C, H, W] (torch.nn.Conv2d)",
               .attrs = attr_schema<A>({bind(&A::in_channels, optional_int("in_channels", 1)),
                                        bind(&A::out_channels, required_int("out_channels", 1, "the number of filters")),
                                        bind(&A::kernel_size, required_size2("kernel_size", 1, "the filter size, e.g. 3 or [3, 5]")),
                                        bind(&A::stride, size2_attr("stride", 1, 1)),
                                        bind(&A::padding, padding_attr("padding")),
                                        bind(&A::dilation, size2_attr("dilation", 1, 1)),
                                        bind(&A::groups, int_attr("groups", 1, 1)),
                                        bind(&A::bias, bool_attr("bias", true)),
                                        bind(&A::padding_mode,
                                             choice_attr("padding_mode", {"zeros", "reflect", "replicate", "circular"}, "zeros"))}),
               .infer = infer_conv2d},
    .lowering = {.lower = lower_conv2d, .accepts_epilogue = true, .scratch = conv2d_scratch, .param_row_block = conv2d_param_row_block},
    .reference = reference_conv2d,
    .params = {{"weight", "[out_channels, in_channels / groups, kernel_size[0], kernel_size[1]]"}, {"bias", "[out_channels]", "bias"}},
    .torch = {.module = "torch.nn.Conv2d", .args = {inferred_from_dim("in_channels", 1)}, .input_rank = 4},
};

const OpRegistration registered(conv2d_op, 100);

}  // namespace

}  // namespace nnc
