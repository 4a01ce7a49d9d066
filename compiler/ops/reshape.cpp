// The reshapes that keep the flat order: reshape (torch.reshape), squeeze and unsqueeze
// (torch.squeeze, torch.unsqueeze). Like flatten, each is an identity on the data, fusible into
// the layer before it.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct ReshapeAttrs {
  Attr<std::vector<int64_t>> shape;
};

struct DimAttrs {
  Attr<int64_t> dim;
};

// `shape` with entry i replaced by -1.
std::string with_inferred(Shape shape, size_t i) {
  shape[i] = -1;
  return to_string(shape);
}

// The one entry whose replacement by -1 makes `shape` hold `count` elements ("" when none does).
std::string inferable_entry(const Shape& shape, int64_t count) {
  for (size_t i = 0; i < shape.size(); ++i) {
    Shape others = shape;
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
    const std::optional<int64_t> known = element_count(others);
    if (known && *known > 0 && count % *known == 0) return with_inferred(shape, i);
  }
  return "";
}

bool infer_reshape(InferContext& ctx) {
  const Attr<std::vector<int64_t>>& shape = ctx.attrs<ReshapeAttrs>().shape;
  const int64_t count = *element_count(ctx.input());
  Shape out = shape.value;
  auto inferred = out.end();
  for (auto it = out.begin(); it != out.end(); ++it) {
    if (*it == 0)
      return ctx.error("bad-value", fmt::format("{}: shape {} has a size 0, but nnc tensors are never empty", ctx.what(), to_string(shape.value)),
                       "give every dim a size of 1 or more, or -1 for the one to infer", shape.loc);
    if (*it != -1) continue;
    if (inferred != out.end())
      return ctx.error("bad-value", fmt::format("{}: shape {} has more than one -1, but only one size can be inferred", ctx.what(), to_string(shape.value)),
                       fmt::format("write the sizes of all but one dim; the input '{}' {} has {} elements", ctx.input_name(),
                                   to_string(ctx.input()), count),
                       shape.loc);
    inferred = it;
  }
  if (inferred != out.end()) *inferred = 1;
  const std::optional<int64_t> known = element_count(out);
  if (inferred != out.end() && known && count % *known == 0) {
    *inferred = count / *known;
    ctx.output = out;
    return true;
  }
  if (inferred == out.end() && known == count) {
    ctx.output = out;
    return true;
  }
  const std::string input = fmt::format("its input '{}' {} has {} elements", ctx.input_name(), to_string(ctx.input()), count);
  if (inferred != out.end())
    return ctx.error("element-count-mismatch",
                     fmt::format("{}: the sizes of shape {} other than -1 multiply to {}, which does not divide the {} elements of its input '{}' {}",
                                 ctx.what(), to_string(shape.value), known ? fmt::to_string(*known) : "more than nnc's limit", count,
                                 ctx.input_name(), to_string(ctx.input())),
                     "make the other sizes multiply to a divisor of " + fmt::to_string(count), shape.loc);
  const std::string fix = inferable_entry(shape.value, count);
  return ctx.error("element-count-mismatch",
                   fmt::format("{}: shape {} holds {} elements, but {}", ctx.what(), to_string(shape.value),
                               known ? fmt::to_string(*known) : "more than nnc's limit of", input),
                   fix.empty() ? fmt::format("the sizes must multiply to {}", count)
                               : fmt::format("the sizes must multiply to {}; shape: {} infers the size that does", count, fix),
                   shape.loc);
}

// A 0-d result, which PyTorch has and nnc does not.
bool no_dims_left(InferContext& ctx, const std::string& what_it_does) {
  return ctx.error("rank-mismatch",
                   fmt::format("{}: {} its input '{}' {} would leave a tensor of no dims, which nnc does not have", ctx.what(),
                               what_it_does, ctx.input_name(), to_string(ctx.input())),
                   "keep the dim (leave the layer out, or reshape to [1])", ctx.layer().inputs[0].loc);
}

bool infer_squeeze(InferContext& ctx) {
  const Attr<int64_t>& dim = ctx.attrs<DimAttrs>().dim;
  const Shape& in = ctx.input();
  int64_t d = 0;
  if (!ctx.normalise_dim(dim, static_cast<int64_t>(in.size()), d)) return false;
  ctx.output = in;
  if (in[d] != 1) {
    ctx.warning("squeeze-not-one",
                fmt::format("{}: dim {} of its input '{}' {} has size {}, not 1, so the squeeze does nothing (as in PyTorch)",
                            ctx.what(), dim.value, ctx.input_name(), to_string(in), in[d]),
                "squeeze a dim of size 1, or leave the layer out", dim.loc);
    return true;
  }
  if (in.size() == 1) return no_dims_left(ctx, "squeezing the only dim of");
  ctx.output.erase(ctx.output.begin() + d);
  return true;
}

bool infer_unsqueeze(InferContext& ctx) {
  const Attr<int64_t>& dim = ctx.attrs<DimAttrs>().dim;
  const Shape& in = ctx.input();
  const int64_t rank = static_cast<int64_t>(in.size()) + 1;  // the output's: the new dim may come last
  const int64_t d = dim.value < 0 ? dim.value + rank : dim.value;
  if (d < 0 || d >= rank)
    return ctx.error("bad-dim",
                     fmt::format("{}: dim is {}, but unsqueezing its input '{}' {} gives {} dims", ctx.what(), dim.value,
                                 ctx.input_name(), to_string(in), rank),
                     fmt::format("use a dim in [{}, {}]", -rank, rank - 1), dim.loc);
  ctx.output = in;
  ctx.output.insert(ctx.output.begin() + d, 1);
  return true;
}

// The flat order, and so every element's value, stays as it is.
ir::Expr unchanged(const ir::Expr& x) { return x; }

Tensor reference_reshape(const ReferenceContext& ctx) { return ref::reshape(ctx.input(), ctx.attrs<ReshapeAttrs>().shape.value); }
Tensor reference_squeeze(const ReferenceContext& ctx) { return ref::squeeze(ctx.input(), ctx.attrs<DimAttrs>().dim.value); }
Tensor reference_unsqueeze(const ReferenceContext& ctx) { return ref::unsqueeze(ctx.input(), ctx.attrs<DimAttrs>().dim.value); }

AttrSchema dim_schema(std::string hint) {
  return attr_schema<DimAttrs>({bind(&DimAttrs::dim, required_int("dim", std::nullopt, std::move(hint)))});
}

const OpDef reshape_op{
    .schema = {.name = "reshape",
               .suggested_for = {"view", "Reshape", "unflatten"},
               .summary = "the same elements in the same order under a new shape, one size -1 inferred (torch.reshape)",
               .attrs = attr_schema<ReshapeAttrs>({bind(&ReshapeAttrs::shape, required_int_list("shape", -1, "the new shape, the batch dim included, e.g. [1, -1, 7, 7]"))}),
               .infer = infer_reshape},
    .lowering = elementwise_lowering<unchanged>(),
    .reference = reference_reshape,
    .torch = {.function = "torch.reshape"},
};

const OpDef squeeze_op{
    .schema = {.name = "squeeze",
               .summary = "drop the dim `dim` of size 1 (torch.squeeze with a dim)",
               .attrs = dim_schema("the dim of size 1 to drop, e.g. -1"),
               .infer = infer_squeeze},
    .lowering = elementwise_lowering<unchanged>(),
    .reference = reference_squeeze,
    .torch = {.function = "torch.squeeze"},
};

const OpDef unsqueeze_op{
    .schema = {.name = "unsqueeze",
               .summary = "insert a dim of size 1 at `dim` (torch.unsqueeze)",
               .attrs = dim_schema("where the new dim of size 1 goes, e.g. 1"),
               .infer = infer_unsqueeze},
    .lowering = elementwise_lowering<unchanged>(),
    .reference = reference_unsqueeze,
    .torch = {.function = "torch.unsqueeze"},
};

const OpRegistration registered[] = {{reshape_op, 510}, {squeeze_op, 520}, {unsqueeze_op, 530}};

}  // namespace

}  // namespace nnc
