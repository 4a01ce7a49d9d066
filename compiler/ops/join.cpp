// concat (torch.cat): tensors joined along one dim.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct ConcatAttrs {
  Attr<int64_t> dim;
};

std::string describe_inputs(const InferContext& ctx) {
  std::string text;
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    if (i) text += ", ";
    text += fmt::format("'{}' {}", ctx.input_name(i), to_string(ctx.input(i)));
  }
  return text;
}

bool infer_concat(InferContext& ctx) {
  const Shape& first = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(first.size());
  int64_t dim = 0;
  if (!ctx.normalise_dim(ctx.attrs<ConcatAttrs>().dim, rank, dim)) return false;
  int64_t total = 0;
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    const Shape& s = ctx.input(i);
    std::string help;
    if (static_cast<int64_t>(s.size()) != rank) {
      help = fmt::format("'{}' has rank {} and '{}' rank {}", ctx.input_name(0), rank, ctx.input_name(i), s.size());
    } else {
      std::vector<std::string> differ;
      int64_t only = -1;
      for (int64_t d = 0; d < rank; ++d) {
        if (d == dim || s[d] == first[d]) continue;
        differ.push_back(fmt::format("{} ({} and {})", d, first[d], s[d]));
        only = d;
      }
      if (differ.size() == 1 && s[dim] == first[dim])
        help = fmt::format("they differ only in dimension {}: join along dim: {}, or make the branches agree", differ[0], only);
      else if (!differ.empty())
        help = fmt::format("they differ in dimension{} {}: make the branches agree outside dim {}", differ.size() == 1 ? "" : "s",
                           fmt::join(differ, ", "), dim);
    }
    if (!help.empty())
      return ctx.error("concat-mismatch",
                       fmt::format("{}: its inputs must have the same rank and agree in every dimension but {}, but they "
                                   "are {}",
                                   ctx.what(), dim, describe_inputs(ctx)),
                       help, ctx.layer().inputs[i].loc);
    auto sum = checked::add(total, s[dim]);
    if (!sum) return ctx.error("size-overflow", fmt::format("{}: the joined size overflows 64-bit integers", ctx.what()));
    total = *sum;
  }
  ctx.output = first;
  ctx.output[dim] = total;
  return true;
}

// Each input is copied into its band of the output: [outer, offset .. offset + its size, inner].
ir::Stmt lower_concat(LowerContext& ctx) {
  using ir::Expr;
  const TensorRef& out = ctx.output();
  int64_t dim = ctx.attrs<ConcatAttrs>().dim.value;
  if (dim < 0) dim += static_cast<int64_t>(out.shape.size());
  const AxisView whole = view_around(out.shape, dim);
  std::vector<ir::Stmt> copies;
  int64_t offset = 0;
  for (size_t k = 0; k < ctx.input_count(); ++k) {
    const TensorRef& in = ctx.input(k);
    const AxisView part = view_around(in.shape, dim);
    copies.push_back(loop(ctx, "outer", 0, part.outer, [&](const Expr& o) {
      return loop(ctx, "a", 0, part.axis, [&](const Expr& a) {
        return loop(ctx, "inner", 0, part.inner, [&](const Expr& i) {
          Expr from = (o * Expr(part.axis) + a) * Expr(part.inner) + i;
          Expr to = (o * Expr(whole.axis) + a + Expr(offset)) * Expr(whole.inner) + i;
          return ctx.store_output(to, ir::Load::make(in.buffer, from));
        });
      });
    }));
    offset += part.axis;
  }
  return ir::Block::make(std::move(copies));
}

Tensor reference_concat(const ReferenceContext& ctx) { return ref::concat(ctx.inputs, ctx.attrs<ConcatAttrs>().dim.value); }

const OpDef concat_op{
    .schema = {.name = "concat",
               .suggested_for = {"cat"},
               .summary = "join tensors along dim (torch.cat)",
               .attrs = attr_schema<ConcatAttrs>({bind(&ConcatAttrs::dim, int_attr("dim", 1))}),
               .inputs = InputForm::List,
               .min_inputs = 1,
               .infer = infer_concat},
    .lowering = {.lower = lower_concat, .accepts_epilogue = true},
    .reference = reference_concat,
    .torch = {.function = "torch.cat", .inputs = TorchInputs::List, .args = {always_passed("dim")}},
};

const OpRegistration registered[] = {{concat_op, 910}};

}  // namespace

}  // namespace nnc
