#include "ops/zero_pad.h"

#include <functional>

#include "lower/register_tile.h"

namespace nnc {

ir::Stmt zero_pad_plane(LowerContext& ctx, const ir::Buffer& src, const ir::Expr& src_at, int64_t height, int64_t width,
                        const ir::Buffer& dst, const ir::Expr& dst_at, const PlanePadding& pad) {
  using ir::Expr;
  const int64_t padded_width = pad.left + width + pad.right;
  auto zeros = [](const Expr&, int64_t lanes) { return splat(ir::f32(0), lanes); };
  return loop(ctx, "ph", 0, pad.top + height + pad.bottom, [&](const Expr& ph) {
    std::string ih_name = ctx.fresh_name("ih");
    const Expr ih = ir::i64_var(ih_name);
    const Expr row = dst_at + ph * Expr(padded_width);
    // The clamp changes no row that is read, but lets the verifier prove the bounds.
    const Expr source = src_at + ir::max(ir::min(ih, Expr(height - 1)), Expr(0)) * Expr(width);
    // Stores value(i, lanes) at dst[at + i] for i in [0, count).
    auto fill = [&](std::vector<ir::Stmt>& parts, const Expr& at, int64_t count, const std::function<Expr(const Expr&, int64_t)>& value) {
      if (count > 0)
        parts.push_back(vector_chunks(ctx, count, [&](const Expr& i, int64_t lanes) { return store_lanes(dst, value(i, lanes), at + i, lanes); }));
    };
    std::vector<ir::Stmt> inside, outside;
    fill(inside, row, pad.left, zeros);
    fill(inside, row + Expr(pad.left), width, [&](const Expr& x, int64_t lanes) { return load_lanes(src, source + x, 1, lanes); });
    fill(inside, row + Expr(pad.left + width), pad.right, zeros);
    fill(outside, row, padded_width, zeros);
    return ir::LetStmt::make(ih_name, ph - Expr(pad.top), ir::IfThenElse::make(ih >= Expr(0) && ih < Expr(height),
                                                                               ir::Block::make(std::move(inside)),
                                                                               ir::Block::make(std::move(outside))));
  });
}

}  // namespace nnc
