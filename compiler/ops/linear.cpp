// linear: torch.nn.Linear, on the last dimension of an input of any rank.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "lower/matrix_tiles.h"
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

// Whether the weight is packed for packed_tiles: its output features fill whole vectors.
bool packs_weight(int64_t outputs) { return outputs % kPackedColumns == 0; }

int64_t linear_param_row_block(const Layer& layer, const std::vector<Shape>&, const std::string& param) {
  return param == "weight" && packs_weight(layer.shape->back()) ? kPackedColumns : 0;
}

// y[r, o] = b[o] + sum_i x[r, i] W[o, i]: on the weight packed by 16 outputs (packed_tiles), else with
// both operands contiguous along i (dot_tiles).
ir::Stmt lower_linear(LowerContext& ctx) {
  using ir::Expr;
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const int64_t features = in.shape.back(), outputs = out.shape.back(), rows = *element_count(out.shape) / outputs;
  const bool bias = ctx.attrs<LinearAttrs>().bias.value;
  const ir::ForKind kind = ctx.worth_parallel(rows * features * outputs) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  auto store = [&](const Expr& r, const Expr& o, const Expr& sum, int64_t lanes) {
    Expr value = bias ? load_lanes(ctx.param("bias"), o, 1, lanes) + sum : sum;
    return ctx.store_output(lane_indices(r * Expr(outputs) + o, 1, lanes), value);
  };
  const ProductSize size{rows, outputs, features};
  if (packs_weight(outputs)) return packed_tiles(ctx, {in.buffer, features}, {ctx.param("weight")}, size, store, kind);
  return dot_tiles(ctx, {in.buffer, features}, {ctx.param("weight"), features}, size, store, kind);
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
    .lowering = {.lower = lower_linear, .accepts_epilogue = true, .param_row_block = linear_param_row_block},
    .reference = reference_linear,
    .params = {{"weight", "[out_features, in_features]"}, {"bias", "[out_features]", "bias"}},
    .torch = {.module = "torch.nn.Linear", .args = {inferred_from_dim("in_features", -1)}},
};

const OpRegistration registered(linear_op, 400);

}  // namespace

}  // namespace nnc
