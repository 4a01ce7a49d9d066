// softmax and log_softmax: torch.nn.Softmax(dim) and torch.nn.LogSoftmax(dim).
#include <limits>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct SoftmaxAttrs {
  Attr<int64_t> dim;
};

bool infer_softmax(InferContext& ctx) {
  int64_t dim = 0;
  if (!ctx.normalise_dim(ctx.attrs<SoftmaxAttrs>().dim, static_cast<int64_t>(ctx.input().size()), dim)) return false;
  ctx.output = ctx.input();
  return true;
}

// Max-subtracted, so large inputs do not overflow: y = exp(x - max) / sum(exp(x - max)), or for
// log_softmax y = x - max - log(sum(exp(x - max))) as PyTorch computes it.
template <bool Log>
ir::Stmt lower_softmax(LowerContext& ctx) {
  using ir::Expr;
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  int64_t dim = ctx.attrs<SoftmaxAttrs>().dim.value;
  if (dim < 0) dim += static_cast<int64_t>(in.shape.size());
  const AxisView v = view_around(in.shape, dim);
  ir::Buffer acc = ir::local_buffer(ctx.fresh_name("acc"), 2);  // [max, sum]
  return loop(ctx, "outer", 0, v.outer, [&](const Expr& o) {
    return loop(ctx, "inner", 0, v.inner, [&](const Expr& i) {
      auto at = [&](const Expr& a) { return (o * Expr(v.axis) + a) * Expr(v.inner) + i; };
      Expr max = ir::Load::make(acc, 0), sum = ir::Load::make(acc, 1);
      ir::Stmt find_max = loop(ctx, "a", 0, v.axis, [&](const Expr& a) {
        Expr x = ir::Load::make(in.buffer, at(a));
        return ir::Store::make(acc, ir::select(x > max || x != x, x, max), Expr(0));
      });
      ir::Stmt exps = loop(ctx, "a", 0, v.axis, [&](const Expr& a) {
        Expr e = ir::call(ir::Intrinsic::Exp, ir::Load::make(in.buffer, at(a)) - max);
        return ir::Block::make({ir::Store::make(out.buffer, e, at(a)), ir::Store::make(acc, sum + ir::Load::make(out.buffer, at(a)), Expr(1))});
      });
      ir::Stmt normalise = loop(ctx, "a", 0, v.axis, [&](const Expr& a) {
        if (Log) return ctx.store_output(at(a), ir::Load::make(in.buffer, at(a)) - max - sum);
        return ctx.store_output(at(a), ir::Load::make(out.buffer, at(a)) / sum);
      });
      std::vector<ir::Stmt> steps = {ir::Store::make(acc, ir::f32(-std::numeric_limits<float>::infinity()), Expr(0)), find_max,
                                     ir::Store::make(acc, ir::f32(0), Expr(1)), exps};
      if (Log) steps.push_back(ir::Store::make(acc, ir::call(ir::Intrinsic::Log, sum), Expr(1)));  // the sum becomes its log
      steps.push_back(normalise);
      return ir::Allocate::make(acc, ir::Block::make(std::move(steps)));
    });
  });
}

Tensor reference_softmax(const ReferenceContext& ctx) { return ref::softmax(ctx.input(), ctx.attrs<SoftmaxAttrs>().dim.value); }
Tensor reference_log_softmax(const ReferenceContext& ctx) {
  return ref::log_softmax(ctx.input(), ctx.attrs<SoftmaxAttrs>().dim.value);
}

AttrSchema dim_attr() { return attr_schema<SoftmaxAttrs>({bind(&SoftmaxAttrs::dim, int_attr("dim", 1))}); }

const OpDef softmax_op{
    .schema = {.name = "softmax",
               .summary = "exp(x) / sum(exp(x)) along dim (torch.nn.Softmax)",
               .attrs = dim_attr(),
               .infer = infer_softmax},
    .lowering = {.lower = lower_softmax<false>, .accepts_epilogue = true},
    .reference = reference_softmax,
    .torch = {.module = "torch.nn.Softmax", .args = {always_passed("dim")}},
};

const OpDef log_softmax_op{
    .schema = {.name = "log_softmax",
               .summary = "log(softmax(x)) along dim, computed as x - max - log(sum(exp(x - max))) (torch.nn.LogSoftmax)",
               .attrs = dim_attr(),
               .infer = infer_softmax},
    .lowering = {.lower = lower_softmax<true>, .accepts_epilogue = true},
    .reference = reference_log_softmax,
    .torch = {.module = "torch.nn.LogSoftmax", .args = {always_passed("dim")}},
};

const OpRegistration registered[] = {{softmax_op, 700}, {log_softmax_op, 710}};

}  // namespace

}  // namespace nnc
