// linear: torch.nn.Linear, on the last dimension of an input of any rank.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct LinearAttrs {
  Attr<int64_t> in_features, out_features;
  Attr<bool> bias;
};

bool infer_linear(InferContext& ctx) {
  const Shape& in = ctx.input();
  const LinearAttrs& a = ctx.attrs<LinearAttrs>();
  const int64_t features = in.back(), out_features = a.out_features.value;
  // A wrong in_features is reported, but the output shape does not depend on it: carry on.
  if (a.in_features.given && a.in_features.value != features) {
    std::string help = fmt::format("write in_features: {}, or leave it out to have it inferred", features);
    if (in.size() > 2) help += fmt::format(" (linear acts on the last dimension; to use all {} values per sample, "
                                           "put a flatten layer before it)", element_count(Shape(in.begin() + 1, in.end())).value_or(0));
    ctx.error("in-features-mismatch",
              fmt::format("{}: in_features is {}, but its input '{}' has {} feature{} (shape {})", ctx.what(),
                          a.in_features.value, ctx.input_name(), features, features == 1 ? "" : "s", to_string(in)),
              help, a.in_features.loc);
  }
  ctx.output = in;
  ctx.output.back() = out_features;
  ctx.params.push_back({"weight", {out_features, features}});
  if (a.bias.value) ctx.params.push_back({"bias", {out_features}});
  auto rows = element_count(Shape(in.begin(), in.end() - 1));
  auto macs = rows ? checked::mul(*rows, features) : std::nullopt;
  if (macs) macs = checked::mul(*macs, out_features);
  if (!macs) return ctx.error("size-overflow", fmt::format("{}: its multiply-add count overflows 64-bit integers", ctx.what()));
  ctx.macs = *macs;
  return true;
}

// The largest divisor of n not above limit.
int64_t block_of(int64_t n, int64_t limit) {
  for (int64_t b = std::min(n, limit); b > 1; --b)
    if (n % b == 0) return b;
  return 1;
}

// y[r, o] = b[o] + sum_i x[r, i] W[o, i]: both operands are contiguous along i, so a tile of
// rows x outputs keeps one 16-lane partial sum per pair, reduced across lanes at the end.
ir::Stmt lower_linear(LowerContext& ctx) {
  using ir::Expr;
  constexpr int kLanes = 16;
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const int64_t features = in.shape.back(), outputs = out.shape.back(), rows = *element_count(out.shape) / outputs;
  const int64_t row_block = block_of(rows, 4), out_block = block_of(outputs, row_block > 1 ? 4 : 8);
  const int64_t chunks = features / kLanes;
  const ir::Buffer& weight = ctx.param("weight");
  const bool bias = ctx.attrs<LinearAttrs>().bias.value;
  const ir::ForKind kind = ctx.worth_parallel(rows * features * outputs) ? ir::ForKind::Parallel : ir::ForKind::Serial;

  return loop(ctx, "rb", 0, rows / row_block, [&](const Expr& rb) {
    return loop(ctx, "ob", 0, outputs / out_block, [&](const Expr& ob) {
      Expr r0 = rb * Expr(row_block), o0 = ob * Expr(out_block);
      auto x_at = [&](int64_t j, const Expr& i) { return (r0 + Expr(j)) * Expr(features) + i; };
      auto w_at = [&](int64_t m, const Expr& i) { return (o0 + Expr(m)) * Expr(features) + i; };
      auto y_at = [&](int64_t j, int64_t m) { return (r0 + Expr(j)) * Expr(outputs) + o0 + Expr(m); };
      std::vector<ir::Buffer> acc;
      std::vector<ir::Stmt> init, reduce, tail;
      for (int64_t j = 0; j < row_block; ++j) {
        for (int64_t m = 0; m < out_block; ++m) {
          acc.push_back(ir::local_buffer(ctx.fresh_name("acc"), kLanes));
          init.push_back(ir::Store::make(acc.back(), ir::Broadcast::make(ir::f32(0), kLanes), ir::Ramp::make(0, 1, kLanes)));
          Expr start = bias ? ir::Load::make(ctx.param("bias"), o0 + Expr(m)) : ir::f32(0);
          reduce.push_back(ctx.store_output(y_at(j, m), start + ir::ReduceAdd::make(ir::Load::make(acc.back(), ir::Ramp::make(0, 1, kLanes)))));
        }
      }
      ir::Stmt vector_part = loop(ctx, "chunk", 0, chunks, [&](const Expr& c) {
        Expr i = c * Expr(kLanes);
        std::vector<std::string> xs, ws;
        std::vector<ir::Stmt> fmas;
        for (int64_t j = 0; j < row_block; ++j) xs.push_back(ctx.fresh_name("x"));
        for (int64_t m = 0; m < out_block; ++m) ws.push_back(ctx.fresh_name("w"));
        for (int64_t j = 0; j < row_block; ++j) {
          for (int64_t m = 0; m < out_block; ++m) {
            const ir::Buffer& a = acc[j * out_block + m];
            Expr x = ir::Var::make(ir::Type::f32(kLanes), xs[j]), w = ir::Var::make(ir::Type::f32(kLanes), ws[m]);
            fmas.push_back(ir::Store::make(a, ir::Load::make(a, ir::Ramp::make(0, 1, kLanes)) + x * w, ir::Ramp::make(0, 1, kLanes)));
          }
        }
        ir::Stmt body = ir::Block::make(std::move(fmas));
        for (int64_t m = out_block; m-- > 0;) body = ir::LetStmt::make(ws[m], ir::Load::make(weight, ir::Ramp::make(w_at(m, i), 1, kLanes)), body);
        for (int64_t j = row_block; j-- > 0;) body = ir::LetStmt::make(xs[j], ir::Load::make(in.buffer, ir::Ramp::make(x_at(j, i), 1, kLanes)), body);
        return body;
      });
      // The features past the last whole vector, one at a time, into lane 0 of the partial sums.
      if (features % kLanes) {
        tail.push_back(loop(ctx, "i", chunks * kLanes, features % kLanes, [&](const Expr& i) {
          std::vector<ir::Stmt> adds;
          for (int64_t j = 0; j < row_block; ++j) {
            for (int64_t m = 0; m < out_block; ++m) {
              const ir::Buffer& a = acc[j * out_block + m];
              adds.push_back(ir::Store::make(a, ir::Load::make(a, 0) + ir::Load::make(in.buffer, x_at(j, i)) * ir::Load::make(weight, w_at(m, i)), 0));
            }
          }
          return ir::Block::make(std::move(adds));
        }));
      }
      std::vector<ir::Stmt> steps = {ir::Block::make(std::move(init))};
      if (chunks > 0) steps.push_back(vector_part);
      steps.insert(steps.end(), tail.begin(), tail.end());
      steps.push_back(ir::Block::make(std::move(reduce)));
      ir::Stmt body = ir::Block::make(std::move(steps));
      for (const ir::Buffer& b : acc) body = ir::Allocate::make(b, body);
      return body;
    }, kind);
  });
}

Tensor reference_linear(const ReferenceContext& ctx) { return ref::linear(ctx.input(), *ctx.param("weight"), ctx.param("bias")); }

using A = LinearAttrs;

const OpDef linear_op{
    .schema = {.name = "linear",
               .suggested_for = {"dense", "fc"},
               .summary = "fully connected layer y = x W^T + b on the last dimension (torch.nn.Linear)",
               .attrs = attr_schema<A>({bind(&A::in_features, optional_int("in_features", 1)),
                                        bind(&A::out_features, required_int("out_features", 1, "the number of outputs")),
                                        bind(&A::bias, bool_attr("bias", true))}),
               .infer = infer_linear},
    .lowering = {.lower = lower_linear, .accepts_epilogue = true},
    .reference = reference_linear,
};

const OpRegistration registered(linear_op, 400);

}  // namespace

}  // namespace nnc
