// upsample: torch.nn.Upsample (F.interpolate) in modes nearest and bilinear, to a size or by a
// scale factor, with PyTorch's source positions to the float rounding.
#include <fmt/format.h>

#include <cmath>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct UpsampleAttrs {
  Attr<Pair> size;
  Attr<Scale> scale_factor;
  Attr<ref::UpsampleMode> mode;
  Attr<bool> align_corners;
};

using A = UpsampleAttrs;

bool infer_upsample(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const A& a = ctx.attrs<A>();
  const Shape& in = ctx.input();
  if (a.size.given == a.scale_factor.given)
    return ctx.error("upsample-size",
                     a.size.given ? fmt::format("{}: give size or scale_factor, not both", ctx.what())
                                  : fmt::format("{}: needs size or scale_factor", ctx.what()),
                     "write scale_factor: 2 (twice the height and width) or size: [H, W] (the output's)",
                     a.size.given ? a.scale_factor.loc : SourceLoc{});
  if (a.align_corners.given && a.mode.value == ref::UpsampleMode::nearest)
    return ctx.error("attr-not-applicable", fmt::format("{}: align_corners applies to mode bilinear only, as in PyTorch", ctx.what()),
                     "leave align_corners out, or use mode: bilinear", a.align_corners.loc);
  Pair out = a.size.value;
  const char* names[2] = {"OH", "OW"};
  std::string formulas[2];
  for (int i = 0; i < 2; ++i) {
    if (a.size.given) {
      formulas[i] = fmt::format("{} (size)", out[i]);
      continue;
    }
    const double scale = a.scale_factor.value[i];
    if (scale <= 0)
      return ctx.error("bad-value", fmt::format("{}: scale_factor must be positive, but it is {}", ctx.what(), scale),
                       "write scale_factor: 2 to double the height and width", a.scale_factor.loc);
    // PyTorch's output size: the product in double, rounded down.
    const double product = static_cast<double>(in[2 + i]) * scale;
    if (!(product < 0x1p62)) return ctx.error("size-overflow", fmt::format("{}: its output size overflows 64-bit integers", ctx.what()));
    out[i] = static_cast<int64_t>(std::floor(product));
    formulas[i] = fmt::format("floor({} * {}) = {}", in[2 + i], scale, out[i]);
    if (out[i] < 1)
      return ctx.error("output-too-small", fmt::format("{}: {} = {}: the output would be empty", ctx.what(), names[i], formulas[i]),
                       fmt::format("use a scale_factor of at least {}", 1.0 / static_cast<double>(in[2 + i])), a.scale_factor.loc);
  }
  if (!element_count({in[0], in[1], out[0], out[1]}))
    return ctx.error("size-overflow", fmt::format("{}: its output has more than 2^56 elements, more than nnc can address", ctx.what()));
  if (formulas[0] == formulas[1] && in[2] == in[3]) {
    ctx.formulas.push_back("OH = OW = " + formulas[0]);
  } else {
    ctx.formulas.push_back("OH = " + formulas[0]);
    ctx.formulas.push_back("OW = " + formulas[1]);
  }
  ctx.output = {in[0], in[1], out[0], out[1]};
  return true;
}

// One spatial axis of the resampling, as PyTorch's kernels see it.
struct Axis {
  int64_t input = 1, output = 1;
  std::optional<double> scale;  // the scale_factor, when given
  bool align_corners = false;
  // PyTorch's channels-last kernel, which an input of one channel takes (it is channels-last
  // contiguous too), copies at output == input and halves at output == 2 * input whatever the
  // scale_factor; the NCHW kernel always computes.
  bool shortcuts = false;
};

Axis axis_of(const A& a, const Shape& in, const Shape& out, int i) {
  Axis x{.input = in[2 + i], .output = out[2 + i], .align_corners = a.align_corners.value, .shortcuts = in[1] == 1};
  if (a.scale_factor.given) x.scale = a.scale_factor.value[i];
  return x;
}

// compute_scales_value: 1/scale_factor when given, else input/output, as a float.
float source_scale(const Axis& x) {
  if (x.scale && *x.scale > 0) return static_cast<float>(1.0 / *x.scale);
  return static_cast<float>(x.input) / static_cast<float>(x.output);
}

using ir::Expr;

Expr to_f32(const Expr& i) { return ir::Cast::make(ir::Type::f32(), i); }
Expr to_i64(const Expr& f) { return ir::Cast::make(ir::Type::i64(), f); }
Expr clamp_index(const Expr& i, int64_t size) { return ir::max(ir::min(i, Expr(size - 1)), Expr(0)); }

// floor(o * scale) in float; with the shortcuts (nearest_idx), the same index at output == input
// and half of it at output == 2 * input.
Expr nearest_source(const Axis& x, const Expr& o) {
  if (x.shortcuts && x.output == x.input) return o;
  if (x.shortcuts && x.output == 2 * x.input) return o / Expr(2);
  return clamp_index(to_i64(to_f32(o) * ir::f32(source_scale(x))), x.input);
}

// area_pixel_compute_source_index for linear interpolation: (o + 0.5) * scale - 0.5 rounded once
// (PyTorch computes it in double), not below 0; with align_corners o * (in-1)/(out-1).
Expr linear_source(const Axis& x, const Expr& o) {
  if (x.align_corners) {
    const float scale = x.output > 1 ? static_cast<float>(x.input - 1) / static_cast<float>(x.output - 1) : 0.0f;
    return to_f32(o) * ir::f32(scale);
  }
  const Expr position = ir::Call::make(ir::Intrinsic::Fma, {ir::f32(source_scale(x)), to_f32(o) + ir::f32(0.5f), ir::f32(-0.5f)});
  return ir::max(position, ir::f32(0));
}

// The two taps of an output position and the second one's weight, bound to variables.
struct LinearTaps {
  Expr first, second, weight;
};

// PyTorch's kernels copy an axis whose size does not change, whatever the scale_factor.
LinearTaps bind_taps(LowerContext& ctx, const Axis& x, const Expr& o, std::vector<std::pair<std::string, Expr>>& lets) {
  if (x.output == x.input) return {o, o, ir::f32(0)};
  auto bind = [&](const std::string& base, const Expr& value) {
    std::string name = ctx.fresh_name(base);
    lets.emplace_back(name, value);
    return ir::Var::make(value.type(), name);
  };
  const Expr position = bind("src", linear_source(x, o));
  const Expr first = bind("i0", clamp_index(to_i64(position), x.input));
  const Expr second = ir::min(first + Expr(1), Expr(x.input - 1));
  const Expr weight = bind("lambda", ir::min(ir::max(position - to_f32(first), ir::f32(0)), ir::f32(1)));
  return {first, second, weight};
}

ir::Stmt lower_upsample(LowerContext& ctx) {
  const A& a = ctx.attrs<A>();
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const Axis h = axis_of(a, in.shape, out.shape, 0), w = axis_of(a, in.shape, out.shape, 1);
  const ir::ForKind kind = ctx.worth_parallel(*element_count(out.shape) * 4) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  return loop_nest(ctx, out.shape, [&](const std::vector<Expr>& i) {
    auto x = [&](const Expr& row, const Expr& column) { return ir::Load::make(in.buffer, flat_index(in.shape, {i[0], i[1], row, column})); };
    const Expr at = flat_index(out.shape, i);
    if (a.mode.value == ref::UpsampleMode::nearest) return ctx.store_output(at, x(nearest_source(h, i[2]), nearest_source(w, i[3])), i[1]);
    std::vector<std::pair<std::string, Expr>> lets;
    const LinearTaps th = bind_taps(ctx, h, i[2], lets), tw = bind_taps(ctx, w, i[3], lets);
    const Expr one = ir::f32(1);
    auto row = [&](const Expr& r) { return x(r, tw.first) * (one - tw.weight) + x(r, tw.second) * tw.weight; };
    return with_lets(lets, ctx.store_output(at, row(th.first) * (one - th.weight) + row(th.second) * th.weight, i[1]));
  }, kind);
}

Tensor reference_upsample(const ReferenceContext& ctx) {
  const A& a = ctx.attrs<A>();
  const Shape& out = *ctx.layer.shape;
  std::optional<ref::Scales> scales;
  if (a.scale_factor.given) scales = a.scale_factor.value;
  return ref::upsample(ctx.input(), {out[2], out[3]}, a.mode.value, a.align_corners.value, scales);
}

const OpDef upsample_op{
    .schema = {.name = "upsample",
               .suggested_for = {"Upsample", "UpSampling2D", "interpolate", "resize", "upsample_bilinear", "upsample_nearest"},
               .summary = "resampling of the height and width by nearest or bilinear interpolation (torch.nn.Upsample)",
               .attrs = attr_schema<A>({bind(&A::size, optional_size2("size", 1)),
                                        bind(&A::scale_factor, optional_scale2("scale_factor")),
                                        bind(&A::mode, choice_attr("mode", {"nearest", "bilinear"}, "nearest")),
                                        bind(&A::align_corners, optional_bool("align_corners"))}),
               .infer = infer_upsample},
    .lowering = {.lower = lower_upsample, .accepts_epilogue = true},
    .reference = reference_upsample,
    .torch = {.module = "torch.nn.Upsample", .input_rank = 4},
};

const OpRegistration registered(upsample_op, 240);

}  // namespace

}  // namespace nnc
