// mean: torch.mean(x, dim, keepdim), the average over one or more dims in a single pass.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct MeanAttrs {
  Attr<std::vector<int64_t>> dim;
  Attr<bool> keepdim;
};

// Which dims of an input of `rank` dims the mean reduces (dims already checked by the shape rule).
std::vector<bool> reduced_dims(const std::vector<int64_t>& dims, int64_t rank) {
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t d : dims) reduced[static_cast<size_t>(d < 0 ? d + rank : d)] = true;
  return reduced;
}

bool infer_mean(InferContext& ctx) {
  const MeanAttrs& a = ctx.attrs<MeanAttrs>();
  const Shape& in = ctx.input();
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<bool> seen(in.size(), false);
  for (int64_t given : a.dim.value) {
    const int64_t d = given < 0 ? given + rank : given;
    if (d < 0 || d >= rank)
      return ctx.error("bad-dim",
                       fmt::format("{}: dim {} is out of range: its input '{}' has {} dimensions (shape {})", ctx.what(), given,
                                   ctx.input_name(), rank, to_string(in)),
                       fmt::format("use dims in [{}, {}]", -rank, rank - 1), a.dim.loc);
    if (seen[static_cast<size_t>(d)])
      return ctx.error("bad-dim", fmt::format("{}: dim {} appears more than once in {}", ctx.what(), d, format_value(ctx.layer().attrs.get("dim"))),
                       "list each dim once (a negative dim counts from the end)", a.dim.loc);
    seen[static_cast<size_t>(d)] = true;
  }
  for (size_t d = 0; d < in.size(); ++d)
    if (!seen[d] || a.keepdim.value) ctx.output.push_back(seen[d] ? 1 : in[d]);
  if (ctx.output.empty())
    return ctx.error("rank-mismatch",
                     fmt::format("{}: averaging every dim of its input '{}' (shape {}) leaves a 0-D scalar, which nnc has no tensors of",
                                 ctx.what(), ctx.input_name(), to_string(in)),
                     "add keepdim: true to keep every dim with size 1", a.dim.loc);
  return true;
}

using ir::Expr;

// Consecutive dims of the same kind, merged: `size` elements `stride` apart in the input and, for a
// kept run, `out_stride` apart in the output. Dims of size 1 drop out.
struct Run {
  int64_t size = 1, stride = 1, out_stride = 0;
  bool reduced = false;
};

std::vector<Run> merged_runs(const Shape& shape, const std::vector<bool>& reduced) {
  std::vector<Run> runs;
  int64_t stride = 1, out_stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1) {
      if (!runs.empty() && runs.back().reduced == reduced[d] && runs.back().stride * runs.back().size == stride)
        runs.back().size *= shape[d];
      else
        runs.push_back({shape[d], stride, reduced[d] ? 0 : out_stride, reduced[d]});
    }
    stride *= shape[d];
    if (!reduced[d]) out_stride *= shape[d];
  }
  return {runs.rbegin(), runs.rend()};
}

// An element's offsets in the input and in the output.
struct Offsets {
  Expr in, out;
};

// body(offsets) for every index of `runs`, outermost first, the offsets counted from `base`.
ir::Stmt for_each_index(LowerContext& ctx, const std::vector<Run>& runs, size_t k, const Offsets& base,
                        const std::function<ir::Stmt(const Offsets&)>& body, ir::ForKind outer = ir::ForKind::Serial) {
  if (k == runs.size()) return body(base);
  return loop(ctx, runs[k].reduced ? "r" : "k", 0, runs[k].size, [&](const Expr& i) {
    Offsets next{base.in + i * Expr(runs[k].stride), runs[k].reduced ? base.out : base.out + i * Expr(runs[k].out_stride)};
    return for_each_index(ctx, runs, k + 1, next, body);
  }, outer);
}

// Sums go through vector accumulators: when the innermost run is kept, 16 outputs side by side
// (the token dim of [N, T, E]); when it is reduced, 16 partial sums along it, added across lanes at
// the end (H and W of [N, C, H, W]). Each output is the sum divided by the count, as PyTorch's.
ir::Stmt lower_mean(LowerContext& ctx) {
  constexpr int64_t kLanes = 16;
  const TensorRef& in = ctx.input();
  const std::vector<Run> all = merged_runs(in.shape, reduced_dims(ctx.attrs<MeanAttrs>().dim.value, static_cast<int64_t>(in.shape.size())));
  std::vector<Run> kept, reduced;
  for (const Run& r : all) (r.reduced ? reduced : kept).push_back(r);
  const int64_t total = *element_count(in.shape);
  const Expr count = ir::f32(static_cast<float>(total / *element_count(ctx.output().shape)));
  const ir::ForKind kind = ctx.worth_parallel(total) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  const Offsets start{Expr(int64_t{0}), Expr(int64_t{0})};

  if (reduced.empty() || !all.back().reduced) {  // every reduced dim has size 1, or the innermost run is kept
    const int64_t inner = kept.empty() ? 1 : kept.back().size;
    if (!kept.empty()) kept.pop_back();
    return for_each_index(ctx, kept, 0, start, [&](const Offsets& base) {
      return vector_loop(ctx, inner, [&](const Expr& i, int lanes) {
        AccumulatorTile acc(ctx, {.lanes = lanes});
        ir::Stmt sum = for_each_index(ctx, reduced, 0, base, [&](const Offsets& at) {
          return acc.set(0, 0, acc.value(0, 0) + ir::Load::make(in.buffer, at.in + i));
        });
        return acc.allocate(ir::Block::make({acc.init(0, 0, ir::f32(0)), sum, ctx.store_output(base.out + i, acc.value(0, 0) / splat(count, lanes))}));
      });
    }, kind);
  }

  const Run last = reduced.back();
  reduced.pop_back();
  const int64_t chunks = last.size / kLanes;
  return for_each_index(ctx, kept, 0, start, [&](const Offsets& base) {
    AccumulatorTile acc(ctx, {.lanes = kLanes});
    ir::Stmt sum = for_each_index(ctx, reduced, 0, base, [&](const Offsets& at) {
      std::vector<ir::Stmt> steps;
      if (chunks > 0)
        steps.push_back(loop(ctx, "c", 0, chunks, [&](const Expr& c) {
          return acc.set(0, 0, acc.value(0, 0) + load_lanes(in.buffer, at.in + c * Expr(kLanes), 1, kLanes));
        }));
      if (last.size % kLanes)
        steps.push_back(loop(ctx, "r", chunks * kLanes, last.size % kLanes, [&](const Expr& r) {
          return acc.fma_lane0(0, 0, ir::Load::make(in.buffer, at.in + r), ir::f32(1));
        }));
      return ir::Block::make(std::move(steps));
    });
    return acc.allocate(ir::Block::make({acc.init(0, 0, ir::f32(0)), sum, ctx.store_output(base.out, ir::ReduceAdd::make(acc.value(0, 0)) / count)}));
  }, kind);
}

Tensor reference_mean(const ReferenceContext& ctx) {
  const MeanAttrs& a = ctx.attrs<MeanAttrs>();
  return ref::mean(ctx.input(), a.dim.value, a.keepdim.value);
}

const OpDef mean_op{
    .schema = {.name = "mean",
               .suggested_for = {"reduce_mean", "global_mean", "avg"},
               .summary = "the average over one or more dims (torch.mean)",
               .attrs = attr_schema<MeanAttrs>({bind(&MeanAttrs::dim, required_int_list("dim", std::nullopt, "the dims to average over, e.g. [2, 3] or -1")),
                                                bind(&MeanAttrs::keepdim, bool_attr("keepdim", false))}),
               .infer = infer_mean},
    .lowering = {.lower = lower_mean, .accepts_epilogue = true},
    .reference = reference_mean,
    .torch = {.function = "torch.mean", .args = {always_passed("keepdim")}},
};

const OpRegistration registered(mean_op, 750);

}  // namespace

}  // namespace nnc
