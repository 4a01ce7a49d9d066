// The shape-preserving elementwise family: relu, sigmoid, tanh, silu, leaky_relu, gelu and dropout
// (identity at inference).
#include <fmt/format.h>

#include <cmath>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

bool same_shape(InferContext& ctx) {
  ctx.output = ctx.input();
  return true;
}

bool infer_dropout(InferContext& ctx) {
  double p = ctx.attrs().number("p");
  if (!(p >= 0 && p <= 1))
    return ctx.error("bad-value", fmt::format("{}: p is {}, but a dropout probability must be between 0 and 1", ctx.what(), p),
                     "use a value such as 0.5", ctx.attrs().loc("p"));
  return same_shape(ctx);
}

using ir::Expr;
using ir::f32;

Expr sigmoid_of(const Expr& x) { return f32(1) / (f32(1) + ir::call(ir::Intrinsic::Exp, f32(0) - x)); }

// Written so that NaN passes through, as in PyTorch.
Expr relu(const Attrs&, const Expr& x) { return ir::select(x < f32(0), f32(0), x); }
Expr sigmoid(const Attrs&, const Expr& x) { return sigmoid_of(x); }
Expr tanh(const Attrs&, const Expr& x) { return ir::call(ir::Intrinsic::Tanh, x); }
Expr silu(const Attrs&, const Expr& x) { return x * sigmoid_of(x); }
Expr leaky_relu(const Attrs& a, const Expr& x) {
  return ir::select(x > f32(0), x, x * f32(static_cast<float>(a.number("negative_slope"))));
}
Expr gelu(const Attrs& a, const Expr& x) {
  if (a.word("approximate") == "tanh") {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Expr inner = f32(static_cast<float>(std::sqrt(2.0 / M_PI))) * (x + f32(0.044715f) * x * x * x);
    return f32(0.5f) * x * (f32(1) + ir::call(ir::Intrinsic::Tanh, inner));
  }
  // 0.5 x (1 + erf(x / sqrt(2)))
  return f32(0.5f) * x * (f32(1) + ir::call(ir::Intrinsic::Erf, x * f32(static_cast<float>(M_SQRT1_2))));
}
Expr identity(const Attrs&, const Expr& x) { return x; }

Tensor reference_relu(const ReferenceContext& ctx) { return ref::relu(ctx.input()); }
Tensor reference_sigmoid(const ReferenceContext& ctx) { return ref::sigmoid(ctx.input()); }
Tensor reference_tanh(const ReferenceContext& ctx) { return ref::tanh(ctx.input()); }
Tensor reference_silu(const ReferenceContext& ctx) { return ref::silu(ctx.input()); }
Tensor reference_leaky_relu(const ReferenceContext& ctx) { return ref::leaky_relu(ctx.input(), ctx.attrs().number("negative_slope")); }
Tensor reference_gelu(const ReferenceContext& ctx) {
  return ref::gelu(ctx.input(), ctx.attrs().word("approximate") == "tanh" ? ref::GeluApproximation::tanh : ref::GeluApproximation::none);
}
Tensor reference_dropout(const ReferenceContext& ctx) { return ref::dropout(ctx.input()); }

}  // namespace

extern const OpDef relu_op{.name = "relu", .summary = "max(x, 0) (torch.nn.ReLU)", .infer = same_shape, .lower = lower_elementwise<relu>, .accepts_epilogue = true,
                              .epilogue = elementwise_epilogue<relu>, .reference = reference_relu};
extern const OpDef sigmoid_op{.name = "sigmoid", .summary = "1 / (1 + exp(-x)) (torch.nn.Sigmoid)", .infer = same_shape, .lower = lower_elementwise<sigmoid>, .accepts_epilogue = true,
                              .epilogue = elementwise_epilogue<sigmoid>, .reference = reference_sigmoid};
extern const OpDef tanh_op{.name = "tanh", .summary = "tanh(x) (torch.nn.Tanh)", .infer = same_shape, .lower = lower_elementwise<tanh>, .accepts_epilogue = true,
                              .epilogue = elementwise_epilogue<tanh>, .reference = reference_tanh};
extern const OpDef silu_op{.name = "silu", .summary = "x * sigmoid(x) (torch.nn.SiLU)", .infer = same_shape, .lower = lower_elementwise<silu>, .accepts_epilogue = true,
                              .epilogue = elementwise_epilogue<silu>, .reference = reference_silu};

extern const OpDef leaky_relu_op{
    .name = "leaky_relu",
    .summary = "x if x > 0 else negative_slope * x (torch.nn.LeakyReLU)",
    .attrs = {float_attr("negative_slope", 0.01)},
    .infer = same_shape,
    .lower = lower_elementwise<leaky_relu>,
    .accepts_epilogue = true,
    .epilogue = elementwise_epilogue<leaky_relu>,
    .reference = reference_leaky_relu,
};

extern const OpDef gelu_op{
    .name = "gelu",
    .summary = "x * Phi(x), exact (erf) or its tanh approximation (torch.nn.GELU)",
    .attrs = {choice_attr("approximate", {"none", "tanh"}, "none")},
    .infer = same_shape,
    .lower = lower_elementwise<gelu>,
    .accepts_epilogue = true,
    .epilogue = elementwise_epilogue<gelu>,
    .reference = reference_gelu,
};

extern const OpDef dropout_op{
    .name = "dropout",
    .summary = "identity at inference (torch.nn.Dropout)",
    .attrs = {float_attr("p", 0.5)},
    .infer = infer_dropout,
    .lower = lower_elementwise<identity>,
    .accepts_epilogue = true,
    .epilogue = elementwise_epilogue<identity>,
    .reference = reference_dropout,
};

}  // namespace nnc
