// The shape-preserving elementwise family: relu, sigmoid, tanh, silu, leaky_relu, gelu and dropout
// (identity at inference).
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

using ir::Expr;
using ir::f32;

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

Tensor reference_relu(const ReferenceContext& ctx) { return ref::relu(ctx.input()); }
Tensor reference_sigmoid(const ReferenceContext& ctx) { return ref::sigmoid(ctx.input()); }
Tensor reference_tanh(const ReferenceContext& ctx) { return ref::tanh(ctx.input()); }
Tensor reference_silu(const ReferenceContext& ctx) { return ref::silu(ctx.input()); }
Tensor reference_leaky_relu(const ReferenceContext& ctx) {
  return ref::leaky_relu(ctx.input(), ctx.attrs<LeakyReluAttrs>().negative_slope.value);
}
Tensor reference_gelu(const ReferenceContext& ctx) { return ref::gelu(ctx.input(), ctx.attrs<GeluAttrs>().approximate.value); }
Tensor reference_dropout(const ReferenceContext& ctx) { return ref::dropout(ctx.input()); }

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

const OpRegistration registered[] = {{relu_op, 600},       {sigmoid_op, 610}, {tanh_op, 620},   {silu_op, 630},
                                     {leaky_relu_op, 640}, {gelu_op, 650},    {dropout_op, 800}};

}  // namespace

}  // namespace nnc
