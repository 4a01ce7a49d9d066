#include "lower/strided_gather.h"

namespace nnc {

using ir::Expr;

std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) strides[d - 1] = strides[d] * shape[d];
  return strides;
}

namespace {

// The same view with dims of size 1 dropped and each dim merged into the one before it where the
// two are walked as one (stride[d-1] == stride[d] * shape[d]); never empty.
StridedView merged(const StridedView& view) {
  StridedView m{.offset = view.offset};
  for (size_t d = 0; d < view.shape.size(); ++d) {
    const int64_t size = view.shape[d], stride = view.strides[d];
    if (size == 1) continue;
    if (!m.shape.empty() && m.strides.back() == stride * size) {
      m.shape.back() *= size;
      m.strides.back() = stride;
      continue;
    }
    m.shape.push_back(size);
    m.strides.push_back(stride);
  }
  if (m.shape.empty()) {
    m.shape = {1};
    m.strides = {1};
  }
  return m;
}

}  // namespace

ir::Stmt lower_gather(LowerContext& ctx, const StridedView& view) {
  constexpr int kLanes = 16;
  const StridedView v = merged(view);
  const Shape outer(v.shape.begin(), v.shape.end() - 1);
  const int64_t inner = v.shape.back(), inner_stride = v.strides.back();
  const ir::ForKind kind = ctx.worth_parallel(*element_count(v.shape)) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  const ir::Buffer& in = ctx.input().buffer;

  auto row = [&](const Expr& out_base, const Expr& in_base, ir::ForKind row_kind) {
    std::vector<ir::Stmt> parts;
    int64_t scalar_from = 0;
    if (inner_stride == 1 && inner >= kLanes) {
      const int64_t vectors = inner / kLanes;
      parts.push_back(loop(ctx, "v", 0, vectors, [&](const Expr& j) {
        const Expr first = j * Expr(kLanes);
        return ctx.store_output(ir::Ramp::make(out_base + first, Expr(1), kLanes),
                                ir::Load::make(in, ir::Ramp::make(in_base + first, Expr(1), kLanes)));
      }, row_kind));
      scalar_from = vectors * kLanes;
    }
    if (scalar_from < inner)
      parts.push_back(loop(ctx, "i", scalar_from, inner - scalar_from, [&](const Expr& j) {
        return ctx.store_output(out_base + j, ir::Load::make(in, in_base + j * Expr(inner_stride)));
      }));
    return ir::Block::make(std::move(parts));
  };

  if (outer.empty()) return row(Expr(int64_t{0}), Expr(v.offset), kind);
  return loop_nest(
      ctx, outer,
      [&](const std::vector<Expr>& idx) {
        Expr in_base(v.offset);
        for (size_t d = 0; d < idx.size(); ++d) in_base = in_base + idx[d] * Expr(v.strides[d]);
        return row(flat_index(outer, idx) * Expr(inner), in_base, ir::ForKind::Serial);
      },
      kind);
}

}  // namespace nnc
