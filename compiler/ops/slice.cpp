// Indexing along one dim: slice (x[:, start:end:step], Python's slice rules) and select (x[:, i],
// which drops the dim). Both are gathers reading the input at a fixed offset and strides.
#include <algorithm>

#include <fmt/format.h>

#include "lower/strided_gather.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct SliceAttrs {
  Attr<int64_t> dim, start, end, step;
};

struct SelectAttrs {
  Attr<int64_t> dim, index;
};

// The elements x[first::step] of a dim, `count` of them.
struct Range {
  int64_t first = 0, count = 0;
};

// Python's rules: a negative bound counts from the end, then both are clamped to [0, size].
Range slice_range(const SliceAttrs& a, int64_t size) {
  auto clamp = [&](int64_t x) { return std::clamp(x < 0 ? x + size : x, int64_t{0}, size); };
  const int64_t first = clamp(a.start.value), last = a.end.given ? clamp(a.end.value) : size;
  return {first, last > first ? (last - first - 1) / a.step.value + 1 : 0};
}

std::string slice_text(const SliceAttrs& a) {
  return fmt::format("[{}:{}{}]", a.start.value, a.end.given ? fmt::to_string(a.end.value) : "",
                     a.step.value == 1 ? "" : fmt::format(":{}", a.step.value));
}

bool infer_slice(InferContext& ctx) {
  const SliceAttrs& a = ctx.attrs<SliceAttrs>();
  const Shape& in = ctx.input();
  int64_t d = 0;
  if (!ctx.normalise_dim(a.dim, static_cast<int64_t>(in.size()), d)) return false;
  const Range r = slice_range(a, in[d]);
  if (r.count == 0)
    return ctx.error("empty-slice",
                     fmt::format("{}: {} of dim {} (size {}) of its input '{}' {} selects no elements, and nnc tensors are never empty",
                                 ctx.what(), slice_text(a), d, in[d], ctx.input_name(), to_string(in)),
                     fmt::format("start must come before end once negatives count from the end and both are clamped to [0, {}]", in[d]),
                     a.start.given ? a.start.loc : a.end.loc);
  ctx.output = in;
  ctx.output[d] = r.count;
  return true;
}

bool infer_select(InferContext& ctx) {
  const SelectAttrs& a = ctx.attrs<SelectAttrs>();
  const Shape& in = ctx.input();
  int64_t d = 0;
  if (!ctx.normalise_dim(a.dim, static_cast<int64_t>(in.size()), d)) return false;
  if (a.index.value < -in[d] || a.index.value >= in[d])
    return ctx.error("index-out-of-range",
                     fmt::format("{}: index {} is out of range for dim {} (size {}) of its input '{}' {}", ctx.what(), a.index.value,
                                 d, in[d], ctx.input_name(), to_string(in)),
                     fmt::format("use an index in [{}, {}]", -in[d], in[d] - 1), a.index.loc);
  if (in.size() == 1)
    return ctx.error("rank-mismatch",
                     fmt::format("{}: selecting from its 1-dim input '{}' {} would leave a tensor of no dims, which nnc does not have",
                                 ctx.what(), ctx.input_name(), to_string(in)),
                     fmt::format("to keep the entry as a dim of size 1, slice instead: dim: 0, start: {}, end: {}", a.index.value,
                                 a.index.value == -1 ? std::string("null") : fmt::to_string(a.index.value + 1)),
                     ctx.layer().inputs[0].loc);
  ctx.output = in;
  ctx.output.erase(ctx.output.begin() + d);
  return true;
}

int64_t normalised(int64_t value, int64_t size) { return value < 0 ? value + size : value; }

ir::Stmt lower_slice(LowerContext& ctx) {
  const SliceAttrs& a = ctx.attrs<SliceAttrs>();
  const Shape& in = ctx.input().shape;
  const size_t d = static_cast<size_t>(normalised(a.dim.value, static_cast<int64_t>(in.size())));
  StridedView view{.shape = ctx.output().shape, .strides = row_major_strides(in)};
  view.offset = slice_range(a, in[d]).first * view.strides[d];
  view.strides[d] *= a.step.value;
  return lower_gather(ctx, view);
}

ir::Stmt lower_select(LowerContext& ctx) {
  const SelectAttrs& a = ctx.attrs<SelectAttrs>();
  const Shape& in = ctx.input().shape;
  const size_t d = static_cast<size_t>(normalised(a.dim.value, static_cast<int64_t>(in.size())));
  StridedView view{.shape = ctx.output().shape, .strides = row_major_strides(in)};
  view.offset = normalised(a.index.value, in[d]) * view.strides[d];
  view.strides.erase(view.strides.begin() + static_cast<std::ptrdiff_t>(d));
  return lower_gather(ctx, view);
}

Tensor reference_slice(const ReferenceContext& ctx) {
  const SliceAttrs& a = ctx.attrs<SliceAttrs>();
  return ref::slice(ctx.input(), a.dim.value, a.start.value, a.end.given ? std::optional(a.end.value) : std::nullopt, a.step.value);
}

Tensor reference_select(const ReferenceContext& ctx) {
  const SelectAttrs& a = ctx.attrs<SelectAttrs>();
  return ref::select(ctx.input(), a.dim.value, a.index.value);
}

const OpDef slice_op{
    .schema = {.name = "slice",
               .suggested_for = {"narrow", "Slice", "split", "chunk"},
               .summary = "x[..., start:end:step, ...] along dim, with Python's slice rules (x[:, a:b])",
               .attrs = attr_schema<SliceAttrs>({bind(&SliceAttrs::dim, required_int("dim", std::nullopt, "the dim to slice, e.g. 1")),
                                                 bind(&SliceAttrs::start, int_attr("start", 0)),
                                                 bind(&SliceAttrs::end, nullable_int("end")),
                                                 bind(&SliceAttrs::step, int_attr("step", 1, 1))}),
               .infer = infer_slice},
    .lowering = {.lower = lower_slice, .accepts_epilogue = true},
    .reference = reference_slice,
    .torch = {.function = "slice"},
};

const OpDef select_op{
    .schema = {.name = "select",
               .suggested_for = {"index_select", "gather", "Select"},
               .summary = "the entry `index` of dim, which the output drops (torch.select, x[:, i])",
               .attrs = attr_schema<SelectAttrs>({bind(&SelectAttrs::dim, required_int("dim", std::nullopt, "the dim to index, e.g. 1")),
                                                  bind(&SelectAttrs::index, required_int("index", std::nullopt, "which entry, e.g. 0 (the class token) or -1"))}),
               .infer = infer_select},
    .lowering = {.lower = lower_select, .accepts_epilogue = true},
    .reference = reference_select,
    .torch = {.function = "torch.select"},
};

const OpRegistration registered[] = {{slice_op, 560}, {select_op, 570}};

}  // namespace

}  // namespace nnc
