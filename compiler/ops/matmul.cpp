// matmul: torch.matmul of two tensors. A 1-D operand is promoted to a matrix ([k] to [1, k] on the
// left, [k, 1] on the right) and the promoted dim dropped from the result; the dims before the last
// two are batch dims, broadcast.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "lower/matrix_tiles.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

// The operands as matrices [..., m, k] and [..., k, n], 1-D ones promoted.
struct MatmulShapes {
  Shape a, b;
  int64_t m = 1, k = 1, n = 1;
  Shape a_batch, b_batch;
};

MatmulShapes matmul_shapes(const Shape& a, const Shape& b) {
  MatmulShapes s{a, b};
  if (s.a.size() == 1) s.a.insert(s.a.begin(), 1);
  if (s.b.size() == 1) s.b.push_back(1);
  s.m = s.a[s.a.size() - 2];
  s.k = s.a.back();
  s.n = s.b.back();
  s.a_batch.assign(s.a.begin(), s.a.end() - 2);
  s.b_batch.assign(s.b.begin(), s.b.end() - 2);
  return s;
}

bool infer_matmul(InferContext& ctx) {
  const Shape &a = ctx.input(0), &b = ctx.input(1);
  if (a.size() == 1 && b.size() == 1)
    return ctx.error("rank-mismatch",
                     fmt::format("{}: its inputs '{}' {} and '{}' {} are both 1-D, so their product is a 0-D scalar, which nnc has no tensors of",
                                 ctx.what(), ctx.input_name(0), to_string(a), ctx.input_name(1), to_string(b)),
                     "give one of them a second dim (a [1, k] row or a [k, 1] column)", ctx.layer().inputs[1].loc);
  const MatmulShapes s = matmul_shapes(a, b);
  const int64_t b_inner = s.b[s.b.size() - 2];
  if (b_inner != s.k)
    return ctx.error("inner-dim-mismatch",
                     fmt::format("{}: its inputs '{}' {} and '{}' {} cannot be multiplied: the last dim of the first ({}) must equal the {} of the second ({})",
                                 ctx.what(), ctx.input_name(0), to_string(a), ctx.input_name(1), to_string(b), s.k,
                                 b.size() == 1 ? "size" : "second-to-last dim", b_inner),
                     "matmul multiplies [..., m, k] by [..., k, n]: swap the inputs, or transpose one of them", ctx.layer().inputs[1].loc);
  Shape batch = s.a_batch.size() >= s.b_batch.size() ? s.a_batch : s.b_batch;
  const Shape& shorter = s.a_batch.size() >= s.b_batch.size() ? s.b_batch : s.a_batch;
  for (size_t i = 0; i < shorter.size(); ++i) {
    int64_t& size = batch[batch.size() - shorter.size() + i];
    const int64_t other = shorter[i];
    if (other == size || other == 1) continue;
    if (size != 1)
      return ctx.error("shape-mismatch",
                       fmt::format("{}: the batch dims of its inputs '{}' {} and '{}' {} do not broadcast: {} and {}", ctx.what(),
                                   ctx.input_name(0), to_string(a), ctx.input_name(1), to_string(b), to_string(s.a_batch),
                                   to_string(s.b_batch)),
                       "the dims before the last two must be equal or 1, aligned from the right", ctx.layer().inputs[1].loc);
    size = other;
  }
  ctx.output = batch;
  if (a.size() > 1) ctx.output.push_back(s.m);
  if (b.size() > 1) ctx.output.push_back(s.n);
  auto macs = element_count(ctx.output);
  if (macs) macs = checked::mul(*macs, s.k);
  if (!macs) return ctx.error("size-overflow", fmt::format("{}: its multiply-add count overflows 64-bit integers", ctx.what()));
  ctx.macs = *macs;
  return true;
}

using ir::Expr;

// The stride of each dim of `out` in an operand whose batch dims `batch` broadcast to it (0 where it broadcasts).
std::vector<int64_t> batch_strides(const Shape& batch, const Shape& out, int64_t matrix) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = matrix;
  for (size_t i = batch.size(); i-- > 0;) {
    const size_t d = out.size() - batch.size() + i;
    if (batch[i] != 1) strides[d] = stride;
    stride *= batch[i];
  }
  return strides;
}

Expr offset_of(const std::vector<Expr>& idx, const std::vector<int64_t>& strides) {
  Expr offset(int64_t{0});
  for (size_t d = 0; d < idx.size(); ++d)
    if (strides[d]) offset = offset + idx[d] * Expr(strides[d]);
  return offset;
}

// Per output batch, the matrix product through the register tiles: rows of vectors along n; for a
// [k] (or [..., k, 1]) right operand, dot products along k.
ir::Stmt lower_matmul(LowerContext& ctx) {
  const TensorRef &a = ctx.input(0), &b = ctx.input(1);
  const MatmulShapes s = matmul_shapes(a.shape, b.shape);
  const Shape batch(ctx.output().shape.begin(), ctx.output().shape.begin() + static_cast<std::ptrdiff_t>(std::max(s.a_batch.size(), s.b_batch.size())));
  const std::vector<int64_t> a_strides = batch_strides(s.a_batch, batch, s.m * s.k), b_strides = batch_strides(s.b_batch, batch, s.k * s.n),
                             out_strides = batch_strides(batch, batch, s.m * s.n);
  const int64_t batches = *element_count(batch);
  const bool parallel = ctx.worth_parallel(*element_count(ctx.output().shape) * s.k);
  const ir::ForKind outer = parallel && batches > 1 ? ir::ForKind::Parallel : ir::ForKind::Serial;
  const ir::ForKind inner = parallel && batches == 1 ? ir::ForKind::Parallel : ir::ForKind::Serial;
  return loop_nest(ctx, batch, [&](const std::vector<Expr>& idx) {
    const Expr out_offset = offset_of(idx, out_strides);
    const ProductSize size{s.m, s.n, s.k};
    auto store = [&](const Expr& r, const Expr& c, const Expr& value, int64_t lanes) {
      return ctx.store_output(lane_indices(out_offset + r * Expr(s.n) + c, 1, lanes), value);
    };
    const MatrixRef left{a.buffer, s.k, offset_of(idx, a_strides)};
    if (s.n == 1) return dot_tiles(ctx, left, {b.buffer, s.k, offset_of(idx, b_strides)}, size, store, inner);
    return row_tiles(ctx, left, {b.buffer, s.n, offset_of(idx, b_strides)}, size, store, inner);
  }, outer);
}

Tensor reference_matmul(const ReferenceContext& ctx) { return ref::matmul(ctx.input(0), ctx.input(1)); }

const OpDef matmul_op{
    .schema = {.name = "matmul",
               .suggested_for = {"bmm", "mm", "dot", "einsum"},
               .summary = "matrix product of two tensors, batch dims broadcast (torch.matmul)",
               .inputs = InputForm::List,
               .min_inputs = 2,
               .max_inputs = 2,
               .infer = infer_matmul},
    .lowering = {.lower = lower_matmul, .accepts_epilogue = true},
    .reference = reference_matmul,
    .torch = {.function = "torch.matmul", .inputs = TorchInputs::Fold},
};

const OpRegistration registered(matmul_op, 410);

}  // namespace

}  // namespace nnc
