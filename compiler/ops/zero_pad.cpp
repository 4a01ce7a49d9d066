#include "ops/zero_pad.h"

#include <functional>

#include "lower/register_tile.h"

namespace nnc {

namespace {

// Appends to `parts` the stores of value(i, lanes) at out[at + i] for i in [0, count): 16 lanes at
// a time, then the rest as one narrower vector.
void fill(LowerContext& ctx, std::vector<ir::Stmt>& parts, const ir::Buffer& out, const ir::Expr& at, int64_t count,
          const std::function<ir::Expr(const ir::Expr&, int64_t)>& value) {
  using ir::Expr;
  constexpr int64_t kLanes = 16;
  if (count >= kLanes)
    parts.push_back(loop(ctx, "v", 0, count / kLanes, [&](const Expr& v) {
      Expr i = v * Expr(kLanes);
      return store_lanes(out, value(i, kLanes), at + i, kLanes);
    }));
  if (const int64_t rest = count % kLanes) {
    const Expr i(count - rest);
    parts.push_back(store_lanes(out, value(i, rest), at + i, rest));
  }
}

}  // namespace

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
    std::vector<ir::Stmt> inside, outside;
    fill(ctx, inside, dst, row, pad.left, zeros);
    fill(ctx, inside, dst, row + Expr(pad.left), width, [&](const Expr& x, int64_t lanes) { return load_lanes(src, source + x, 1, lanes); });
    fill(ctx, inside, dst, row + Expr(pad.left + width), pad.right, zeros);
    fill(ctx, outside, dst, row, padded_width, zeros);
    return ir::LetStmt::make(ih_name, ph - Expr(pad.top), ir::IfThenElse::make(ih >= Expr(0) && ih < Expr(height),
                                                                               ir::Block::make(std::move(inside)),
                                                                               ir::Block::make(std::move(outside))));
  });
}

}  // namespace nnc
