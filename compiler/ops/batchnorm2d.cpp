// batchnorm2d: torch.nn.BatchNorm2d in inference mode (running statistics).
#include <fmt/format.h>

#include <functional>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct BatchNormAttrs {
  Attr<int64_t> num_features;
  Attr<double> eps;
};

bool infer_batchnorm2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const BatchNormAttrs& a = ctx.attrs<BatchNormAttrs>();
  const int64_t channels = ctx.input()[1];
  ctx.check_given(a.num_features, channels, "channels");
  if (!(a.eps.value > 0))
    return ctx.error("bad-value", fmt::format("{}: eps must be positive, but it is {}", ctx.what(), a.eps.value),
                     "the usual value is 1e-5", a.eps.loc);
  ctx.output = ctx.input();
  ctx.params = {{"weight", {channels}, true, 1.0f},
                {"bias", {channels}, true, 0.0f},
                {"running_mean", {channels}, false, 0.0f},
                {"running_var", {channels}, false, 1.0f}};
  return true;
}

// PyTorch's inference form: y = x * alpha + beta with alpha = weight / sqrt(var + eps) and
// beta = bias - mean * alpha, per channel c.
ir::Expr normalise(const BatchNormAttrs& a, const ir::Expr& x, const ir::Expr& c, const std::function<ir::Buffer(const std::string&)>& param) {
  using ir::Expr;
  Expr eps = ir::f32(static_cast<float>(a.eps.value));
  Expr alpha = ir::Load::make(param("weight"), c) / ir::call(ir::Intrinsic::Sqrt, ir::Load::make(param("running_var"), c) + eps);
  Expr beta = ir::Load::make(param("bias"), c) - ir::Load::make(param("running_mean"), c) * alpha;
  return x * alpha + beta;
}

ir::Stmt lower_batchnorm2d(LowerContext& ctx) {
  using ir::Expr;
  const TensorRef& in = ctx.input();
  const Shape& s = ctx.output().shape;
  auto param = [&](const std::string& key) { return ctx.param(key); };
  return loop_nest(ctx, s, [&](const std::vector<Expr>& i) {
    Expr at = flat_index(s, i), c = i[1];
    return ctx.store_output(at, normalise(ctx.attrs<BatchNormAttrs>(), ir::Load::make(in.buffer, at), c, param), c);
  });
}

ir::Expr batchnorm_epilogue(const EpilogueContext& e) {
  return normalise(e.attrs<BatchNormAttrs>(), e.value, e.channel_of_input(), [&](const std::string& key) { return e.param(key); });
}

Tensor reference_batchnorm2d(const ReferenceContext& ctx) {
  return ref::batchnorm2d(ctx.input(), *ctx.param("weight"), *ctx.param("bias"), *ctx.param("running_mean"),
                          *ctx.param("running_var"), ctx.attrs<BatchNormAttrs>().eps.value);
}

const OpDef batchnorm2d_op{
    .schema = {.name = "batchnorm2d",
               .suggested_for = {"batchnorm", "bn"},
               .summary = "per-channel normalisation with running statistics (torch.nn.BatchNorm2d, eval mode)",
               .attrs = attr_schema<BatchNormAttrs>({bind(&BatchNormAttrs::num_features, optional_int("num_features", 1)),
                                                     bind(&BatchNormAttrs::eps, float_attr("eps", 1e-5))}),
               .infer = infer_batchnorm2d},
    .lowering = {.lower = lower_batchnorm2d, .accepts_epilogue = true, .epilogue = batchnorm_epilogue},
    .reference = reference_batchnorm2d,
    .params = {{"weight", "[num_features]"}, {"bias", "[num_features]"}, {"running_mean", "[num_features]"},
               {"running_var", "[num_features]"}},
    .torch = {.module = "torch.nn.BatchNorm2d", .args = {inferred_from_dim("num_features", 1)}, .eval_mode = true, .input_rank = 4},
};

const OpRegistration registered(batchnorm2d_op, 300);

}  // namespace

}  // namespace nnc
