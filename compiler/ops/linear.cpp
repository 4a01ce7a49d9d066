// linear: torch.nn.Linear, on the last dimension of an input of any rank.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
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

// y[r, o] = b[o] + sum_i x[r, i] W[o, i]: both operands are contiguous along i, so a tile of
// rows x outputs keeps one 16-lane partial sum per pair, reduced across lanes at the end.
ir::Stmt lower_linear(LowerContext& ctx) {
  using ir::Expr;
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const int64_t features = in.shape.back(), outputs = out.shape.back(), rows = *element_count(out.shape) / outputs;
  const RegisterTile tile = choose_dot_tile(rows, outputs);
  const int64_t chunks = features / tile.lanes;
  const ir::Buffer& weight = ctx.param("weight");
  const bool bias = ctx.attrs<LinearAttrs>().bias.value;
  const ir::ForKind kind = ctx.worth_parallel(rows * features * outputs) ? ir::ForKind::Parallel : ir::ForKind::Serial;

  return loop(ctx, "rb", 0, rows / tile.rows, [&](const Expr& rb) {
    return loop(ctx, "ob", 0, outputs / tile.columns, [&](const Expr& ob) {
      Expr r0 = rb * Expr(tile.rows), o0 = ob * Expr(tile.columns);
      auto x_at = [&](int64_t j, const Expr& i) { return (r0 + Expr(j)) * Expr(features) + i; };
      auto w_at = [&](int64_t m, const Expr& i) { return (o0 + Expr(m)) * Expr(features) + i; };
      // Accumulator (j, m): the partial sums of output o0 + m of row r0 + j.
      AccumulatorTile acc(ctx, tile);
      std::vector<ir::Stmt> steps = {acc.for_each([&](int64_t j, int64_t m) { return acc.init(j, m, ir::f32(0)); })};
      if (chunks > 0) {
        steps.push_back(loop(ctx, "chunk", 0, chunks, [&](const Expr& c) {
          Expr i = c * Expr(tile.lanes);
          std::vector<Expr> row_vectors, weight_vectors;
          for (int64_t j = 0; j < tile.rows; ++j) row_vectors.push_back(load_lanes(in.buffer, x_at(j, i), 1, tile.lanes));
          for (int64_t m = 0; m < tile.columns; ++m) weight_vectors.push_back(load_lanes(weight, w_at(m, i), 1, tile.lanes));
          std::vector<std::pair<std::string, Expr>> lets;
          std::vector<Expr> x = bind_each(ctx, "x", row_vectors, lets), w = bind_each(ctx, "w", weight_vectors, lets);
          return with_lets(lets, acc.for_each([&](int64_t j, int64_t m) { return acc.fma(j, m, x[j], w[m]); }));
        }));
      }
      // The features past the last whole vector, one at a time, into lane 0 of the partial sums.
      if (features % tile.lanes) {
        steps.push_back(loop(ctx, "i", chunks * tile.lanes, features % tile.lanes, [&](const Expr& i) {
          return acc.for_each([&](int64_t j, int64_t m) {
            return acc.fma_lane0(j, m, ir::Load::make(in.buffer, x_at(j, i)), ir::Load::make(weight, w_at(m, i)));
          });
        }));
      }
      steps.push_back(acc.for_each([&](int64_t j, int64_t m) {
        Expr start = bias ? ir::Load::make(ctx.param("bias"), o0 + Expr(m)) : ir::f32(0);
        return ctx.store_output((r0 + Expr(j)) * Expr(outputs) + o0 + Expr(m), start + ir::ReduceAdd::make(acc.value(j, m)));
      }));
      return acc.allocate(ir::Block::make(std::move(steps)));
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
    .params = {{"weight", "[out_features, in_features]"}, {"bias", "[out_features]", "bias"}},
    .torch = {.module = "torch.nn.Linear", .args = {inferred_from_dim("in_features", -1)}},
};

const OpRegistration registered(linear_op, 400);

}  // namespace

}  // namespace nnc
