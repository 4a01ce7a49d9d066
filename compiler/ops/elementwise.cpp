// The shape-preserving elementwise family: relu, sigmoid, tanh, silu, leaky_relu, gelu and dropout
// (identity at inference).
#include <fmt/format.h>

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

}  // namespace

extern const OpDef relu_op{.name = "relu", .summary = "max(x, 0) (torch.nn.ReLU)", .infer = same_shape};
extern const OpDef sigmoid_op{.name = "sigmoid", .summary = "1 / (1 + exp(-x)) (torch.nn.Sigmoid)", .infer = same_shape};
extern const OpDef tanh_op{.name = "tanh", .summary = "tanh(x) (torch.nn.Tanh)", .infer = same_shape};
extern const OpDef silu_op{.name = "silu", .summary = "x * sigmoid(x) (torch.nn.SiLU)", .infer = same_shape};

extern const OpDef leaky_relu_op{
    .name = "leaky_relu",
    .summary = "x if x > 0 else negative_slope * x (torch.nn.LeakyReLU)",
    .attrs = {float_attr("negative_slope", 0.01)},
    .infer = same_shape,
};

extern const OpDef gelu_op{
    .name = "gelu",
    .summary = "x * Phi(x), exact (erf) or its tanh approximation (torch.nn.GELU)",
    .attrs = {choice_attr("approximate", {"none", "tanh"}, "none")},
    .infer = same_shape,
};

extern const OpDef dropout_op{
    .name = "dropout",
    .summary = "identity at inference (torch.nn.Dropout)",
    .attrs = {float_attr("p", 0.5)},
    .infer = infer_dropout,
};

}  // namespace nnc
