// flatten: torch.nn.Flatten(start_dim, end_dim).
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

bool infer_flatten(InferContext& ctx) {
  const Shape& in = ctx.input();
  const int64_t rank = static_cast<int64_t>(in.size());
  int64_t start = ctx.attrs().integer("start_dim"), end = ctx.attrs().integer("end_dim");
  if (!ctx.normalise_dim("start_dim", rank, start) || !ctx.normalise_dim("end_dim", rank, end)) return false;
  if (start > end)
    return ctx.error("bad-dim",
                     fmt::format("{}: start_dim ({}) comes after end_dim ({}) for an input of rank {}", ctx.what(),
                                 ctx.attrs().integer("start_dim"), ctx.attrs().integer("end_dim"), rank),
                     fmt::format("swap them (start_dim: {}, end_dim: {}); start_dim: 1 flattens all but the batch dimension",
                                 ctx.attrs().integer("end_dim"), ctx.attrs().integer("start_dim")),
                     ctx.attrs().loc("start_dim"));
  Shape merged(in.begin() + start, in.begin() + end + 1);
  ctx.output.assign(in.begin(), in.begin() + start);
  ctx.output.push_back(*element_count(merged));  // the input's own count fits, so a part of it does
  ctx.output.insert(ctx.output.end(), in.begin() + end + 1, in.end());
  return true;
}

// A reshape: the flat order, and so every element's value, stays as it is.
ir::Expr unchanged(const Attrs&, const ir::Expr& x) { return x; }

Tensor reference_flatten(const ReferenceContext& ctx) {
  return ref::flatten(ctx.input(), ctx.attrs().integer("start_dim"), ctx.attrs().integer("end_dim"));
}

}  // namespace

extern const OpDef flatten_op{
    .name = "flatten",
    .summary = "merge dimensions start_dim..end_dim into one (torch.nn.Flatten)",
    .attrs = {int_attr("start_dim", 1), int_attr("end_dim", -1)},
    .infer = infer_flatten,
    .lower = lower_elementwise<unchanged>,
    .accepts_epilogue = true,
    .epilogue = elementwise_epilogue<unchanged>,
    .reference = reference_flatten,
};

}  // namespace nnc
