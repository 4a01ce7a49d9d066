// flatten: torch.nn.Flatten(start_dim, end_dim).
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct FlattenAttrs {
  Attr<int64_t> start_dim, end_dim;
};

bool infer_flatten(InferContext& ctx) {
  const FlattenAttrs& a = ctx.attrs<FlattenAttrs>();
  const Shape& in = ctx.input();
  const int64_t rank = static_cast<int64_t>(in.size());
  int64_t start = 0, end = 0;
  if (!ctx.normalise_dim(a.start_dim, rank, start) || !ctx.normalise_dim(a.end_dim, rank, end)) return false;
  if (start > end)
    return ctx.error("bad-dim",
                     fmt::format("{}: start_dim ({}) comes after end_dim ({}) for an input of rank {}", ctx.what(),
                                 a.start_dim.value, a.end_dim.value, rank),
                     fmt::format("swap them (start_dim: {}, end_dim: {}); start_dim: 1 flattens all but the batch dimension",
                                 a.end_dim.value, a.start_dim.value),
                     a.start_dim.loc);
  Shape merged(in.begin() + start, in.begin() + end + 1);
  ctx.output.assign(in.begin(), in.begin() + start);
  ctx.output.push_back(*element_count(merged));  // the input's own count fits, so a part of it does
  ctx.output.insert(ctx.output.end(), in.begin() + end + 1, in.end());
  return true;
}

// A reshape: the flat order, and so every element's value, stays as it is.
ir::Expr unchanged(const ir::Expr& x) { return x; }

Tensor reference_flatten(const ReferenceContext& ctx) {
  const FlattenAttrs& a = ctx.attrs<FlattenAttrs>();
  return ref::flatten(ctx.input(), a.start_dim.value, a.end_dim.value);
}

const OpDef flatten_op{
    .schema = {.name = "flatten",
               .summary = "merge dimensions start_dim..end_dim into one (torch.nn.Flatten)",
               .attrs = attr_schema<FlattenAttrs>({bind(&FlattenAttrs::start_dim, int_attr("start_dim", 1)),
                                                   bind(&FlattenAttrs::end_dim, int_attr("end_dim", -1))}),
               .infer = infer_flatten},
    .lowering = elementwise_lowering<unchanged>(),
    .reference = reference_flatten,
    .torch = {.module = "torch.nn.Flatten"},
};

const OpRegistration registered(flatten_op, 500);

}  // namespace

}  // namespace nnc
