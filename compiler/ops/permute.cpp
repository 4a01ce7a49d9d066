// Reorderings of the dims: permute (torch.permute) and transpose (torch.transpose), gathers whose
// output dim d walks input dim dims[d].
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lower/strided_gather.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct PermuteAttrs {
  Attr<std::vector<int64_t>> dims;
};

struct TransposeAttrs {
  Attr<int64_t> dim0, dim1;
};

std::vector<int64_t> identity_order(size_t rank) {
  std::vector<int64_t> dims(rank);
  for (size_t d = 0; d < rank; ++d) dims[d] = static_cast<int64_t>(d);
  return dims;
}

bool infer_permute(InferContext& ctx) {
  const Attr<std::vector<int64_t>>& dims = ctx.attrs<PermuteAttrs>().dims;
  const Shape& in = ctx.input();
  const int64_t rank = static_cast<int64_t>(in.size());
  if (dims.value.size() != in.size())
    return ctx.error("bad-permutation",
                     fmt::format("{}: dims {} has {} entries, but its input '{}' {} has {} dims", ctx.what(), to_string(dims.value),
                                 dims.value.size(), ctx.input_name(), to_string(in), rank),
                     fmt::format("list each of the {} dims once, in the order the output takes them: a reordering of {}", rank,
                                 to_string(identity_order(in.size()))),
                     dims.loc);
  std::vector<int64_t> order(in.size());
  for (size_t i = 0; i < order.size(); ++i)
    if (!ctx.normalise_dim({fmt::format("dims[{}]", i), dims.value[i], dims.given, dims.loc}, rank, order[i])) return false;
  std::vector<int64_t> missing;
  for (int64_t d = 0; d < rank; ++d)
    if (std::find(order.begin(), order.end(), d) == order.end()) missing.push_back(d);
  if (!missing.empty())
    return ctx.error("bad-permutation",
                     fmt::format("{}: dims {} names a dim twice and leaves out {} {}, so it is not a permutation of the dims of "
                                 "its input '{}' {}",
                                 ctx.what(), to_string(dims.value), missing.size() == 1 ? "dim" : "dims", fmt::join(missing, ", "),
                                 ctx.input_name(), to_string(in)),
                     fmt::format("list each of the {} dims once: a reordering of {}", rank, to_string(identity_order(in.size()))),
                     dims.loc);
  for (int64_t d : order) ctx.output.push_back(in[d]);
  return true;
}

bool infer_transpose(InferContext& ctx) {
  const TransposeAttrs& a = ctx.attrs<TransposeAttrs>();
  const int64_t rank = static_cast<int64_t>(ctx.input().size());
  int64_t d0 = 0, d1 = 0;
  if (!ctx.normalise_dim(a.dim0, rank, d0) || !ctx.normalise_dim(a.dim1, rank, d1)) return false;
  ctx.output = ctx.input();
  std::swap(ctx.output[d0], ctx.output[d1]);
  return true;
}

// Dims normalised to [0, rank); the shape rule has checked them.
std::vector<int64_t> normalised(std::vector<int64_t> dims, size_t rank) {
  for (int64_t& d : dims)
    if (d < 0) d += static_cast<int64_t>(rank);
  return dims;
}

ir::Stmt lower_permuted(LowerContext& ctx, const std::vector<int64_t>& order) {
  const std::vector<int64_t> in_strides = row_major_strides(ctx.input().shape);
  StridedView view{.shape = ctx.output().shape};
  for (int64_t d : order) view.strides.push_back(in_strides[d]);
  return lower_gather(ctx, view);
}

std::vector<int64_t> transpose_order(const TransposeAttrs& a, size_t rank) {
  std::vector<int64_t> order = identity_order(rank);
  const std::vector<int64_t> swapped = normalised({a.dim0.value, a.dim1.value}, rank);
  std::swap(order[swapped[0]], order[swapped[1]]);
  return order;
}

ir::Stmt lower_permute(LowerContext& ctx) {
  return lower_permuted(ctx, normalised(ctx.attrs<PermuteAttrs>().dims.value, ctx.input().shape.size()));
}

ir::Stmt lower_transpose(LowerContext& ctx) {
  return lower_permuted(ctx, transpose_order(ctx.attrs<TransposeAttrs>(), ctx.input().shape.size()));
}

Tensor reference_permute(const ReferenceContext& ctx) { return ref::permute(ctx.input(), ctx.attrs<PermuteAttrs>().dims.value); }

Tensor reference_transpose(const ReferenceContext& ctx) {
  const TransposeAttrs& a = ctx.attrs<TransposeAttrs>();
  return ref::transpose(ctx.input(), a.dim0.value, a.dim1.value);
}

const OpDef permute_op{
    .schema = {.name = "permute",
               .suggested_for = {"Permute"},
               .summary = "the dims reordered: output dim d is input dim dims[d] (torch.permute)",
               .attrs = attr_schema<PermuteAttrs>({bind(&PermuteAttrs::dims, required_int_list("dims", std::nullopt, "the input's dims in the output's order, e.g. [0, 2, 3, 1]"))}),
               .infer = infer_permute},
    .lowering = {.lower = lower_permute, .accepts_epilogue = true},
    .reference = reference_permute,
    .torch = {.function = "torch.permute"},
};

const OpDef transpose_op{
    .schema = {.name = "transpose",
               .suggested_for = {"swapaxes", "swapdims"},
               .summary = "two dims swapped (torch.transpose)",
               .attrs = attr_schema<TransposeAttrs>({bind(&TransposeAttrs::dim0, required_int("dim0", std::nullopt, "one of the two dims to swap, e.g. 1")),
                                                     bind(&TransposeAttrs::dim1, required_int("dim1", std::nullopt, "the other dim, e.g. 2"))}),
               .infer = infer_transpose},
    .lowering = {.lower = lower_transpose, .accepts_epilogue = true},
    .reference = reference_transpose,
    .torch = {.function = "torch.transpose"},
};

const OpRegistration registered[] = {{permute_op, 540}, {transpose_op, 550}};

}  // namespace

}  // namespace nnc
