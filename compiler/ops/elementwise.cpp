// The shape-preserving elementwise family: relu, sigmoid, tanh, silu, leaky_relu, gelu, relu6,
// hardswish, hardsigmoid, selu, mish, hardtanh, elu, softplus, prelu (with a learned slope), and
// identity and dropout (identity at inference).
#include <fmt/format.h>

#include <cmath>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct LeakyReluAttrs {
  Attr<double> negative_slope;
};

struct GeluAttrs {
  Attr<ref::GeluApproximation> approximate;
};

struct DropoutAttrs {
  Attr<double> p;
};

struct HardtanhAttrs {
  Attr<double> min_val;
  Attr<double> max_val;
};

struct EluAttrs {
  Attr<double> alpha;
};

struct SoftplusAttrs {
  Attr<double> beta;
  Attr<double> threshold;
};

struct PreluAttrs {
  Attr<int64_t> num_parameters;
};

bool same_shape(InferContext& ctx) {
  ctx.output = ctx.input();
  return true;
}

bool infer_dropout(InferContext& ctx) {
  const Attr<double>& p = ctx.attrs<DropoutAttrs>().p;
  if (!(p.value >= 0 && p.value <= 1))
    return ctx.error("bad-value", fmt::format("{}: p is {}, but a dropout probability must be between 0 and 1", ctx.what(), p.value),
                     "use a value such as 0.5", p.loc);
  return same_shape(ctx);
}

// PyTorch asserts max_val > min_val.
bool infer_hardtanh(InferContext& ctx) {
  const HardtanhAttrs& a = ctx.attrs<HardtanhAttrs>();
  if (!(a.min_val.value < a.max_val.value))
    return ctx.error("bad-value",
                     fmt::format("{}: min_val is {}, but it must be below max_val, which is {}", ctx.what(), a.min_val.value,
                                 a.max_val.value),
                     "make min_val smaller than max_val", a.max_val.given ? a.max_val.loc : a.min_val.loc);
  return same_shape(ctx);
}

// PyTorch divides by beta and so returns inf or NaN everywhere for beta 0.
bool infer_softplus(InferContext& ctx) {
  const Attr<double>& beta = ctx.attrs<SoftplusAttrs>().beta;
  if (beta.value == 0)
    return ctx.error("bad-value", fmt::format("{}: beta is 0, but softplus divides by it", ctx.what()),
                     "use a non-zero beta such as 1 (the default)", beta.loc);
  return same_shape(ctx);
}

// One slope, or one per channel (dim 1; an input of rank 1 has one channel), as PyTorch checks.
bool infer_prelu(InferContext& ctx) {
  const Attr<int64_t>& n = ctx.attrs<PreluAttrs>().num_parameters;
  const Shape& in = ctx.input();
  const int64_t channels = in.size() >= 2 ? in[1] : 1;
  if (n.value != 1 && n.value != channels)
    return ctx.error("num-parameters-mismatch",
                     fmt::format("{}: num_parameters is {}, but its input '{}' has {} channel{} (shape {})", ctx.what(), n.value,
                                 ctx.input_name(), channels, channels == 1 ? "" : "s", to_string(in)),
                     fmt::format("write num_parameters: {} for a slope per channel, or 1 for one slope", channels), n.loc);
  ctx.output = in;
  ctx.params = {{.key = "weight", .shape = {n.value}, .fill = 0.25f}};  // PyTorch's initial slope
  return true;
}

using ir::Expr;
using ir::f32;

Expr f32_of(double x) { return f32(static_cast<float>(x)); }

// min(max(x, lo), hi), written so that NaN passes through, as in PyTorch's clamp.
Expr clamp(const Expr& x, const Expr& lo, const Expr& hi) { return ir::select(x < lo, lo, ir::select(x > hi, hi, x)); }

// x for x > 0, (exp(x) - 1) * negative_scale otherwise: PyTorch's elu kernel, which computes exp(x) - 1, not expm1.
Expr elu_of(const Expr& x, const Expr& positive, double negative_scale) {
  return ir::select(x > f32(0), positive, (ir::call(ir::Intrinsic::Exp, x) - f32(1)) * f32_of(negative_scale));
}

Expr log1p_exp(const Expr& x) { return ir::call(ir::Intrinsic::Log, f32(1) + ir::call(ir::Intrinsic::Exp, x)); }

Expr sigmoid_of(const Expr& x) { return f32(1) / (f32(1) + ir::call(ir::Intrinsic::Exp, f32(0) - x)); }

// Written so that NaN passes through, as in PyTorch.
Expr relu(const Expr& x) { return ir::select(x < f32(0), f32(0), x); }
Expr sigmoid(const Expr& x) { return sigmoid_of(x); }
Expr tanh(const Expr& x) { return ir::call(ir::Intrinsic::Tanh, x); }
Expr silu(const Expr& x) { return x * sigmoid_of(x); }
Expr leaky_relu(const LeakyReluAttrs& a, const Expr& x) {
  return ir::select(x > f32(0), x, x * f32(static_cast<float>(a.negative_slope.value)));
}
Expr gelu(const GeluAttrs& a, const Expr& x) {
  if (a.approximate.value == ref::GeluApproximation::tanh) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Expr inner = f32(static_cast<float>(std::sqrt(2.0 / M_PI))) * (x + f32(0.044715f) * x * x * x);
    return f32(0.5f) * x * (f32(1) + ir::call(ir::Intrinsic::Tanh, inner));
  }
  // 0.5 x (1 + erf(x / sqrt(2)))
  return f32(0.5f) * x * (f32(1) + ir::call(ir::Intrinsic::Erf, x * f32(static_cast<float>(M_SQRT1_2))));
}
Expr identity(const Expr& x) { return x; }
Expr relu6(const Expr& x) { return clamp(x, f32(0), f32(6)); }
Expr hardswish(const Expr& x) { return x * clamp(x + f32(3), f32(0), f32(6)) / f32(6); }
Expr hardsigmoid(const Expr& x) { return clamp(x + f32(3), f32(0), f32(6)) / f32(6); }
Expr selu(const Expr& x) { return elu_of(x, x * f32_of(ref::kSeluScale), ref::kSeluAlpha * ref::kSeluScale); }
Expr mish(const Expr& x) { return x * ir::call(ir::Intrinsic::Tanh, log1p_exp(x)); }
Expr hardtanh(const HardtanhAttrs& a, const Expr& x) { return clamp(x, f32_of(a.min_val.value), f32_of(a.max_val.value)); }
Expr elu(const EluAttrs& a, const Expr& x) { return elu_of(x, x, a.alpha.value); }
// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
Expr softplus(const SoftplusAttrs& a, const Expr& x) {
  Expr scaled = x * f32_of(a.beta.value);
  return ir::select(scaled > f32_of(a.threshold.value), x, log1p_exp(scaled) / f32_of(a.beta.value));
}

Tensor reference_relu(const ReferenceContext& ctx) { return ref::relu(ctx.input()); }
Tensor reference_sigmoid(const ReferenceContext& ctx) { return ref::sigmoid(ctx.input()); }
Tensor reference_tanh(const ReferenceContext& ctx) { return ref::tanh(ctx.input()); }
Tensor reference_silu(const ReferenceContext& ctx) { return ref::silu(ctx.input()); }
Tensor reference_leaky_relu(const ReferenceContext& ctx) {
  return ref::leaky_relu(ctx.input(), ctx.attrs<LeakyReluAttrs>().negative_slope.value);
}
Tensor reference_gelu(const ReferenceContext& ctx) { return ref::gelu(ctx.input(), ctx.attrs<GeluAttrs>().approximate.value); }
// x where x > 0, else weight * x, with the slope of x's channel (or the one slope).
Expr prelu_of(const Expr& x, const ir::Buffer& weight, const Expr& channel, int64_t num_parameters) {
  return ir::select(x > f32(0), x, ir::Load::make(weight, num_parameters == 1 ? Expr(0) : channel) * x);
}

ir::Stmt lower_prelu(LowerContext& ctx) {
  const TensorRef& in = ctx.input();
  const Shape& s = ctx.output().shape;
  const int64_t n = ctx.attrs<PreluAttrs>().num_parameters.value;
  return loop_nest(ctx, s, [&](const std::vector<Expr>& i) {
    Expr at = flat_index(s, i), c = s.size() >= 2 ? i[1] : Expr(0);
    return ctx.store_output(at, prelu_of(ir::Load::make(in.buffer, at), ctx.param("weight"), c, n), c);
  });
}

ir::Expr prelu_epilogue(const EpilogueContext& e) {
  const int64_t n = e.attrs<PreluAttrs>().num_parameters.value;
  return prelu_of(e.value, e.param("weight"), n == 1 ? Expr(0) : e.channel_of_input(), n);
}

Tensor reference_dropout(const ReferenceContext& ctx) { return ref::dropout(ctx.input()); }
Tensor reference_prelu(const ReferenceContext& ctx) { return ref::prelu(ctx.input(), *ctx.param("weight")); }
Tensor reference_identity(const ReferenceContext& ctx) { return ref::identity(ctx.input()); }
Tensor reference_relu6(const ReferenceContext& ctx) { return ref::relu6(ctx.input()); }
Tensor reference_hardswish(const ReferenceContext& ctx) { return ref::hardswish(ctx.input()); }
Tensor reference_hardsigmoid(const ReferenceContext& ctx) { return ref::hardsigmoid(ctx.input()); }
Tensor reference_selu(const ReferenceContext& ctx) { return ref::selu(ctx.input()); }
Tensor reference_mish(const ReferenceContext& ctx) { return ref::mish(ctx.input()); }
Tensor reference_hardtanh(const ReferenceContext& ctx) {
  const HardtanhAttrs& a = ctx.attrs<HardtanhAttrs>();
  return ref::hardtanh(ctx.input(), a.min_val.value, a.max_val.value);
}
Tensor reference_elu(const ReferenceContext& ctx) { return ref::elu(ctx.input(), ctx.attrs<EluAttrs>().alpha.value); }
Tensor reference_softplus(const ReferenceContext& ctx) {
  const SoftplusAttrs& a = ctx.attrs<SoftplusAttrs>();
  return ref::softplus(ctx.input(), a.beta.value, a.threshold.value);
}

const OpDef relu_op{.schema = {.name = "relu", .summary = "max(x, 0) (torch.nn.ReLU)", .infer = same_shape},
                    .lowering = elementwise_lowering<relu>(),
                    .reference = reference_relu,
                    .torch = {.module = "torch.nn.ReLU"}};
const OpDef sigmoid_op{.schema = {.name = "sigmoid", .summary = "1 / (1 + exp(-x)) (torch.nn.Sigmoid)", .infer = same_shape},
                       .lowering = elementwise_lowering<sigmoid>(),
                       .reference = reference_sigmoid,
                       .torch = {.module = "torch.nn.Sigmoid"}};
const OpDef tanh_op{.schema = {.name = "tanh", .summary = "tanh(x) (torch.nn.Tanh)", .infer = same_shape},
                    .lowering = elementwise_lowering<tanh>(),
                    .reference = reference_tanh,
                    .torch = {.module = "torch.nn.Tanh"}};
const OpDef silu_op{.schema = {.name = "silu", .suggested_for = {"swish"}, .summary = "x * sigmoid(x) (torch.nn.SiLU)", .infer = same_shape},
                    .lowering = elementwise_lowering<silu>(),
                    .reference = reference_silu,
                    .torch = {.module = "torch.nn.SiLU"}};

const OpDef leaky_relu_op{
    .schema = {.name = "leaky_relu",
               .summary = "x if x > 0 else negative_slope * x (torch.nn.LeakyReLU)",
               .attrs = attr_schema<LeakyReluAttrs>({bind(&LeakyReluAttrs::negative_slope, float_attr("negative_slope", 0.01))}),
               .infer = same_shape},
    .lowering = elementwise_lowering<leaky_relu>(),
    .reference = reference_leaky_relu,
    .torch = {.module = "torch.nn.LeakyReLU"},
};

const OpDef gelu_op{
    .schema = {.name = "gelu",
               .summary = "x * Phi(x), exact (erf) or its tanh approximation (torch.nn.GELU)",
               .attrs = attr_schema<GeluAttrs>({bind(&GeluAttrs::approximate, choice_attr("approximate", {"none", "tanh"}, "none"))}),
               .infer = same_shape},
    .lowering = elementwise_lowering<gelu>(),
    .reference = reference_gelu,
    .torch = {.module = "torch.nn.GELU"},
};

const OpDef dropout_op{
    .schema = {.name = "dropout",
               .summary = "identity at inference (torch.nn.Dropout)",
               .attrs = attr_schema<DropoutAttrs>({bind(&DropoutAttrs::p, float_attr("p", 0.5))}),
               .infer = infer_dropout},
    .lowering = elementwise_lowering<identity>(),
    .reference = reference_dropout,
    .torch = {.module = "torch.nn.Dropout", .eval_mode = true},
};

const OpDef relu6_op{.schema = {.name = "relu6", .summary = "min(max(x, 0), 6) (torch.nn.ReLU6)", .infer = same_shape},
                     .lowering = elementwise_lowering<relu6>(),
                     .reference = reference_relu6,
                     .torch = {.module = "torch.nn.ReLU6"}};
const OpDef hardswish_op{
    .schema = {.name = "hardswish", .suggested_for = {"hard_swish", "h_swish"}, .summary = "x * relu6(x + 3) / 6 (torch.nn.Hardswish)", .infer = same_shape},
    .lowering = elementwise_lowering<hardswish>(),
    .reference = reference_hardswish,
    .torch = {.module = "torch.nn.Hardswish"}};
const OpDef hardsigmoid_op{
    .schema = {.name = "hardsigmoid", .suggested_for = {"hard_sigmoid", "h_sigmoid"}, .summary = "relu6(x + 3) / 6 (torch.nn.Hardsigmoid)", .infer = same_shape},
    .lowering = elementwise_lowering<hardsigmoid>(),
    .reference = reference_hardsigmoid,
    .torch = {.module = "torch.nn.Hardsigmoid"}};
const OpDef selu_op{.schema = {.name = "selu", .summary = "scale * elu(x, alpha) with SELU's constants (torch.nn.SELU)", .infer = same_shape},
                    .lowering = elementwise_lowering<selu>(),
                    .reference = reference_selu,
                    .torch = {.module = "torch.nn.SELU"}};
const OpDef mish_op{.schema = {.name = "mish", .summary = "x * tanh(softplus(x)) (torch.nn.Mish)", .infer = same_shape},
                    .lowering = elementwise_lowering<mish>(),
                    .reference = reference_mish,
                    .torch = {.module = "torch.nn.Mish"}};

const OpDef hardtanh_op{
    .schema = {.name = "hardtanh",
               .summary = "x clamped to [min_val, max_val] (torch.nn.Hardtanh)",
               .attrs = attr_schema<HardtanhAttrs>({bind(&HardtanhAttrs::min_val, float_attr("min_val", -1.0)),
                                                    bind(&HardtanhAttrs::max_val, float_attr("max_val", 1.0))}),
               .infer = infer_hardtanh},
    .lowering = elementwise_lowering<hardtanh>(),
    .reference = reference_hardtanh,
    .torch = {.module = "torch.nn.Hardtanh"},
};

const OpDef elu_op{
    .schema = {.name = "elu",
               .summary = "x if x > 0 else alpha * (exp(x) - 1) (torch.nn.ELU)",
               .attrs = attr_schema<EluAttrs>({bind(&EluAttrs::alpha, float_attr("alpha", 1.0))}),
               .infer = same_shape},
    .lowering = elementwise_lowering<elu>(),
    .reference = reference_elu,
    .torch = {.module = "torch.nn.ELU"},
};

const OpDef softplus_op{
    .schema = {.name = "softplus",
               .summary = "log(1 + exp(beta * x)) / beta, x where beta * x > threshold (torch.nn.Softplus)",
               .attrs = attr_schema<SoftplusAttrs>({bind(&SoftplusAttrs::beta, float_attr("beta", 1.0)),
                                                    bind(&SoftplusAttrs::threshold, float_attr("threshold", 20.0))}),
               .infer = infer_softplus},
    .lowering = elementwise_lowering<softplus>(),
    .reference = reference_softplus,
    .torch = {.module = "torch.nn.Softplus"},
};

const OpDef prelu_op{
    .schema = {.name = "prelu",
               .summary = "x if x > 0 else weight * x, one learned slope or one per channel (torch.nn.PReLU)",
               .attrs = attr_schema<PreluAttrs>({bind(&PreluAttrs::num_parameters, int_attr("num_parameters", 1, 1))}),
               .infer = infer_prelu},
    .lowering = {.lower = lower_prelu, .accepts_epilogue = true, .epilogue = prelu_epilogue},
    .reference = reference_prelu,
    .params = {{"weight", "[num_parameters]"}},
    .torch = {.module = "torch.nn.PReLU"},
};

const OpDef identity_op{.schema = {.name = "identity", .summary = "x unchanged (torch.nn.Identity)", .infer = same_shape},
                        .lowering = elementwise_lowering<identity>(),
                        .reference = reference_identity,
                        .torch = {.module = "torch.nn.Identity"}};

const OpRegistration registered[] = {{relu_op, 600},        {sigmoid_op, 610},  {tanh_op, 620},        {silu_op, 630},
                                     {leaky_relu_op, 640},  {gelu_op, 650},     {relu6_op, 660},       {hardswish_op, 663},
                                     {hardsigmoid_op, 666}, {selu_op, 670},     {mish_op, 673},        {hardtanh_op, 676},
                                     {elu_op, 680},         {softplus_op, 683}, {prelu_op, 686},       {dropout_op, 800},
                                     {identity_op, 810}};

}  // namespace

}  // namespace nnc
