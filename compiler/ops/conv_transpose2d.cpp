// conv_transpose2d: torch.nn.ConvTranspose2d, the gradient of conv2d with respect to its input,
// which generators and decoders use to upsample.
#include <fmt/format.h>

#include <numeric>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"
#include "ops/window.h"

namespace nnc {
namespace {

struct ConvTranspose2dAttrs {
  Attr<int64_t> in_channels, out_channels;
  Attr<Pair> kernel_size, stride, padding, output_padding;
  Attr<int64_t> groups;
  Attr<bool> bias;
  Attr<Pair> dilation;
};

using A = ConvTranspose2dAttrs;

// One spatial axis: input size H, and the attributes along it.
struct TransposeAxis {
  int64_t input, kernel, stride, padding, output_padding, dilation;
};

TransposeAxis axis_of(const A& a, int axis, int64_t input) {
  return {input, a.kernel_size.value[axis], a.stride.value[axis], a.padding.value[axis], a.output_padding.value[axis],
          a.dilation.value[axis]};
}

// OH = (H-1)*S - 2P + D*(K-1) + output_padding + 1; nullopt on overflow.
std::optional<int64_t> transposed_size(const TransposeAxis& x) {
  auto spread = checked::mul(x.input - 1, x.stride);
  auto reach = checked::mul(x.dilation, x.kernel - 1);
  auto cropped = checked::mul(2, x.padding);
  if (!spread || !reach || !cropped) return std::nullopt;
  auto size = checked::add(*spread, *reach);
  if (size) size = checked::sub(*size, *cropped);
  if (size) size = checked::add(*size, x.output_padding + 1);
  return size;
}

std::string transposed_formula(const TransposeAxis& x, int64_t out) {
  return fmt::format("({}-1)*{} - 2*{} + {}*({}-1) + {} + 1 = {}", x.input, x.stride, x.padding, x.dilation, x.kernel,
                     x.output_padding, out);
}

bool infer_conv_transpose2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const A& a = ctx.attrs<A>();
  const Shape& in = ctx.input();
  const int64_t channels = in[1], out_channels = a.out_channels.value, groups = a.groups.value;
  ctx.check_given(a.in_channels, channels, "channels");
  if (!check_groups(ctx, channels, a.out_channels, a.groups)) return false;

  const char* names[2] = {"height", "width"};
  TransposeAxis axes[2];
  int64_t out[2];
  for (int i = 0; i < 2; ++i) {
    axes[i] = axis_of(a, i, in[2 + i]);
    const TransposeAxis& x = axes[i];
    // PyTorch's rule: the extra rows output_padding adds must lie within one stride or one dilation.
    if (x.output_padding >= x.stride && x.output_padding >= x.dilation)
      return ctx.error("output-padding-too-large",
                       fmt::format("{}: output_padding {} along the {} must be smaller than its stride {} or its dilation {}",
                                   ctx.what(), x.output_padding, names[i], x.stride, x.dilation),
                       fmt::format("use output_padding of at most {}", std::max(x.stride, x.dilation) - 1), a.output_padding.loc);
    auto size = transposed_size(x);
    if (!size) return ctx.error("size-overflow", fmt::format("{}: its output size overflows 64-bit integers", ctx.what()));
    if (*size < 1)
      return ctx.error("output-too-small",
                       fmt::format("{}: padding {} crops the whole output {}: {}", ctx.what(), x.padding, names[i],
                                   transposed_formula(x, *size)),
                       fmt::format("use padding of at most {}", (*size - 1 + 2 * x.padding) / 2), a.padding.loc);
    out[i] = *size;
  }
  if (!element_count({in[0], out_channels, out[0], out[1]}))
    return ctx.error("size-overflow", fmt::format("{}: its output has more than 2^56 elements, more than nnc can address", ctx.what()));
  const bool square = axes[0].input == axes[1].input && a.kernel_size.value[0] == a.kernel_size.value[1] &&
                      a.stride.value[0] == a.stride.value[1] && a.padding.value[0] == a.padding.value[1] &&
                      a.output_padding.value[0] == a.output_padding.value[1] && a.dilation.value[0] == a.dilation.value[1];
  if (square) {
    ctx.formulas.push_back("OH = OW = " + transposed_formula(axes[0], out[0]));
  } else {
    ctx.formulas.push_back("OH = " + transposed_formula(axes[0], out[0]));
    ctx.formulas.push_back("OW = " + transposed_formula(axes[1], out[1]));
  }
  ctx.output = {in[0], out_channels, out[0], out[1]};
  ctx.params.push_back({"weight", {channels, out_channels / groups, a.kernel_size.value[0], a.kernel_size.value[1]}});
  if (a.bias.value) ctx.params.push_back({"bias", {out_channels}});

  // N * C * H * W * (OC/groups) * KH * KW: each input element meets each tap of its group's filters.
  return count_macs(ctx, {in[0], channels, in[2], in[3], out_channels / groups, a.kernel_size.value[0], a.kernel_size.value[1]});
}

// The outputs o = q*S + r of one phase r along an axis, q in [0, count), and the taps that reach
// them: k = first_tap + j*tap_step reads input q + offset - j*offset_step, for j in [0, taps).
// Within a phase the taps are fixed, so the gather needs no divisibility test per element.
struct Phase {
  int64_t r = 0, count = 0;
  int64_t first_tap = 0, taps = 0, tap_step = 1;
  int64_t offset = 0, offset_step = 0;
};

// Keeps the taps of `p` that read the input for some q; the others read only zeros.
void drop_outside_taps(Phase& p, int64_t input) {
  using checked::floor_div;
  // Tap j reads inputs [offset - j*offset_step, count-1 + offset - j*offset_step].
  const int64_t first = std::max<int64_t>(0, -floor_div(input - 1 - p.offset, p.offset_step));
  const int64_t last = std::min(p.taps - 1, floor_div(p.count - 1 + p.offset, p.offset_step));
  if (first > last) {
    p.taps = 0;
    return;
  }
  p.first_tap += first * p.tap_step;
  p.offset -= first * p.offset_step;
  p.taps = last - first + 1;
}

// An output o receives tap k from input (o + P - k*D) / S when that divides exactly.
std::vector<Phase> phases_of(const TransposeAxis& x, int64_t out) {
  const int64_t common = std::gcd(x.stride, x.dilation), tap_step = x.stride / common;
  std::vector<Phase> phases;
  for (int64_t r = 0; r < std::min(x.stride, out); ++r) {
    Phase p{.r = r, .count = (out - r + x.stride - 1) / x.stride, .tap_step = tap_step, .offset_step = x.dilation / common};
    for (int64_t k = 0; k < std::min(x.kernel, tap_step); ++k) {
      if (checked::floor_mod(r + x.padding - k * x.dilation, x.stride) != 0) continue;
      p.first_tap = k;
      p.taps = (x.kernel - k + tap_step - 1) / tap_step;
      p.offset = (r + x.padding - k * x.dilation) / x.stride;
      drop_outside_taps(p, x.input);
      break;
    }
    phases.push_back(p);
  }
  return phases;
}

// Zeros around the input along an axis, enough that every tap of every phase reads inside; at most
// count - 1 on either side, since every tap kept reads the input somewhere.
std::array<int64_t, 2> margins(const std::vector<Phase>& phases, int64_t input) {
  std::array<int64_t, 2> m{};
  for (const Phase& p : phases) {
    if (p.taps == 0) continue;
    m[0] = std::max(m[0], (p.taps - 1) * p.offset_step - p.offset);
    m[1] = std::max(m[1], p.count - 1 + p.offset - (input - 1));
  }
  return m;
}

struct TransposeLayout {
  std::vector<Phase> phases[2];
  std::array<int64_t, 2> margin[2];
  Shape padded;  // the input with its margins
  bool needs_padding() const { return margin[0] != std::array<int64_t, 2>{} || margin[1] != std::array<int64_t, 2>{}; }
};

TransposeLayout layout_of(const A& a, const Shape& in, const Shape& out) {
  TransposeLayout l;
  for (int i = 0; i < 2; ++i) {
    l.phases[i] = phases_of(axis_of(a, i, in[2 + i]), out[2 + i]);
    l.margin[i] = margins(l.phases[i], in[2 + i]);
  }
  l.padded = {in[0], in[1], in[2] + l.margin[0][0] + l.margin[0][1], in[3] + l.margin[1][0] + l.margin[1][1]};
  return l;
}

int64_t conv_transpose2d_scratch(const Layer& layer, const std::vector<Shape>& inputs) {
  const TransposeLayout l = layout_of(attrs_of<A>(layer), inputs[0], *layer.shape);
  return l.needs_padding() ? *element_count(l.padded) : 0;
}

using ir::Expr;

// The input copied into the middle of a zeroed `padded` buffer.
ir::Stmt zero_pad(LowerContext& ctx, const TensorRef& padded, const TransposeLayout& l) {
  const TensorRef& in = ctx.input();
  return loop_nest(ctx, padded.shape, [&](const std::vector<Expr>& i) {
    const Expr h = i[2] - Expr(l.margin[0][0]), w = i[3] - Expr(l.margin[1][0]);
    const Expr inside = h >= Expr(0) && h < Expr(in.shape[2]) && w >= Expr(0) && w < Expr(in.shape[3]);
    const Expr clamped_h = ir::max(ir::min(h, Expr(in.shape[2] - 1)), Expr(0));
    const Expr clamped_w = ir::max(ir::min(w, Expr(in.shape[3] - 1)), Expr(0));
    const Expr value = ir::Load::make(in.buffer, flat_index(in.shape, {i[0], i[1], clamped_h, clamped_w}));
    return ir::Store::make(padded.buffer, ir::select(inside, value, ir::f32(0)), flat_index(padded.shape, i));
  });
}

// Gather form, one phase pair at a time: output (n, oc0 + j, qh*SH + rh, (qw0 + v*lanes)*SW + rw)
// accumulates x(n, ic, qh + offset_h, qw + offset_w) * w(ic, oc, kh, kw) over the phase's taps, in a
// register tile of output channels x consecutive q along the width.
ir::Stmt lower_conv_transpose2d(LowerContext& ctx) {
  const A& a = ctx.attrs<A>();
  const TensorRef& out = ctx.output();
  const TransposeLayout l = layout_of(a, ctx.input().shape, out.shape);
  TensorRef src = ctx.input();
  std::vector<ir::Stmt> steps;
  if (l.needs_padding()) {
    src = TensorRef{ctx.scratch(), l.padded};
    steps.push_back(zero_pad(ctx, src, l));
  }
  const Pair& s = a.stride.value;
  const int64_t groups = a.groups.value, oc_per_group = out.shape[1] / groups, ic_per_group = src.shape[1] / groups;
  const Shape weight_shape = {src.shape[1], oc_per_group, a.kernel_size.value[0], a.kernel_size.value[1]};
  const ir::Buffer& weight = ctx.param("weight");
  const bool bias = a.bias.value;
  const ir::ForKind block_kind = ctx.worth_parallel(*element_count(out.shape) * ic_per_group) ? ir::ForKind::Parallel : ir::ForKind::Serial;

  steps.push_back(loop(ctx, "n", 0, out.shape[0], [&](const Expr& n) {
    std::vector<ir::Stmt> phases;
    for (const Phase& ph : l.phases[0]) {
      for (const Phase& pw : l.phases[1]) {
        const RegisterTile tile = choose_output_tile(pw.count, oc_per_group);
        const int64_t tiles = (pw.count + tile.width() - 1) / tile.width();
        const int64_t blocks_per_group = oc_per_group / tile.rows;
        phases.push_back(loop(ctx, "ocb", 0, groups * blocks_per_group, [&](const Expr& block) {
          // Output channels oc_in_group .. + tile.rows of group g.
          const Expr g = groups == 1 ? Expr(0) : block / Expr(blocks_per_group);
          const Expr oc_in_group = (groups == 1 ? block : block % Expr(blocks_per_group)) * Expr(tile.rows);
          const Expr oc0 = g * Expr(oc_per_group) + oc_in_group, group_base = g * Expr(ic_per_group);
          return loop(ctx, "qh", 0, ph.count, [&](const Expr& qh) {
            return loop(ctx, "t", 0, tiles, [&](const Expr& t) {
              // The last tile is moved left to end at the phase's last column; its overlap is computed twice.
              std::string qw0_name = ctx.fresh_name("qw0");
              const Expr qw0 = ir::i64_var(qw0_name);
              AccumulatorTile acc(ctx, tile);
              std::vector<ir::Stmt> body = {acc.for_each([&](int64_t j, int64_t v) {
                return acc.init(j, v, bias ? ir::Load::make(ctx.param("bias"), oc0 + Expr(j)) : ir::f32(0));
              })};
              if (ph.taps && pw.taps) {
                body.push_back(loop(ctx, "ic", 0, ic_per_group, [&](const Expr& ic) {
                  return loop(ctx, "th", 0, ph.taps, [&](const Expr& th) {
                    return loop(ctx, "tw", 0, pw.taps, [&](const Expr& tw) {
                      const Expr kh = Expr(ph.first_tap) + th * Expr(ph.tap_step), kw = Expr(pw.first_tap) + tw * Expr(pw.tap_step);
                      const Expr ih = qh + Expr(ph.offset + l.margin[0][0]) - th * Expr(ph.offset_step);
                      const Expr iw = qw0 + Expr(pw.offset + l.margin[1][0]) - tw * Expr(pw.offset_step);
                      std::vector<Expr> columns, weights;
                      for (int64_t v = 0; v < tile.columns; ++v)
                        columns.push_back(load_lanes(src.buffer, flat_index(src.shape, {n, group_base + ic, ih, iw + Expr(v * tile.lanes)}), 1,
                                                     tile.lanes));
                      for (int64_t j = 0; j < tile.rows; ++j)
                        weights.push_back(splat(
                            ir::Load::make(weight, flat_index(weight_shape, {group_base + ic, oc_in_group + Expr(j), kh, kw})), tile.lanes));
                      std::vector<std::pair<std::string, Expr>> lets;
                      std::vector<Expr> x = bind_each(ctx, "x", columns, lets);
                      return with_lets(lets, acc.for_each([&](int64_t j, int64_t v) { return acc.fma(j, v, x[v], weights[j]); }));
                    });
                  });
                }));
              }
              body.push_back(acc.for_each([&](int64_t j, int64_t v) {
                const Expr oh = qh * Expr(s[0]) + Expr(ph.r), ow = (qw0 + Expr(v * tile.lanes)) * Expr(s[1]) + Expr(pw.r);
                const Expr at = flat_index(out.shape, {n, oc0 + Expr(j), oh, ow});
                return ctx.store_output(lane_indices(at, s[1], tile.lanes), acc.value(j, v), oc0 + Expr(j));
              }));
              return ir::LetStmt::make(qw0_name, ir::min(t * Expr(tile.width()), Expr(pw.count - tile.width())),
                                       acc.allocate(ir::Block::make(std::move(body))));
            });
          });
        }, block_kind));
      }
    }
    return ir::Block::make(std::move(phases));
  }));
  return ir::Block::make(std::move(steps));
}

Tensor reference_conv_transpose2d(const ReferenceContext& ctx) {
  const A& a = ctx.attrs<A>();
  const ref::ConvTranspose2dParams p{.stride = a.stride.value,
                                     .padding = a.padding.value,
                                     .output_padding = a.output_padding.value,
                                     .dilation = a.dilation.value,
                                     .groups = a.groups.value};
  return ref::conv_transpose2d(ctx.input(), *ctx.param("weight"), ctx.param("bias"), p);
}

const OpDef conv_transpose2d_op{
    .schema = {.name = "conv_transpose2d",
               .suggested_for = {"convtranspose2d", "ConvTranspose2d", "Conv2DTranspose", "deconv", "deconv2d", "conv2d_transpose"},
               .summary = "transposed 2-D convolution over [N, C, H, W], which upsamples (torch.nn.ConvTranspose2d)",
               .attrs = attr_schema<A>({bind(&A::in_channels, optional_int("in_channels", 1)),
                                        bind(&A::out_channels, required_int("out_channels", 1, "the number of output channels")),
                                        bind(&A::kernel_size, required_size2("kernel_size", 1, "the filter size, e.g. 4 or [4, 3]")),
                                        bind(&A::stride, size2_attr("stride", 1, 1)),
                                        bind(&A::padding, size2_attr("padding", 0, 0)),
                                        bind(&A::output_padding, size2_attr("output_padding", 0, 0)),
                                        bind(&A::groups, int_attr("groups", 1, 1)),
                                        bind(&A::bias, bool_attr("bias", true)),
                                        bind(&A::dilation, size2_attr("dilation", 1, 1))}),
               .infer = infer_conv_transpose2d},
    .lowering = {.lower = lower_conv_transpose2d, .accepts_epilogue = true, .scratch = conv_transpose2d_scratch},
    .reference = reference_conv_transpose2d,
    .params = {{"weight", "[in_channels, out_channels / groups, kernel_size[0], kernel_size[1]]"}, {"bias", "[out_channels]", "bias"}},
    .torch = {.module = "torch.nn.ConvTranspose2d", .args = {inferred_from_dim("in_channels", 1)}, .input_rank = 4},
};

const OpRegistration registered(conv_transpose2d_op, 110);

}  // namespace

}  // namespace nnc
