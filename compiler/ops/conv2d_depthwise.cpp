#include "ops/conv2d_depthwise.h"

#include <algorithm>
#include <map>

#include "lower/register_tile.h"

namespace nnc {

namespace {

// A tile of output rows by vectors along a row. The rows share the input rows they read, so each
// input vector loaded feeds every output row whose window covers it.
RegisterTile choose_depthwise_tile(int64_t out_h, int64_t out_w) {
  constexpr int64_t kMaxAccumulators = 16, kMaxRows = 6;
  RegisterTile tile = choose_output_tile(out_w, 1);
  tile.rows = std::min({out_h, kMaxRows, kMaxAccumulators / tile.columns});
  return tile;
}

// The start of tile `index` of `size` along an axis of `extent`; the last tile is moved back to
// end at the edge, its overlap computed twice.
ir::Expr tile_start(const ir::Expr& index, int64_t size, int64_t extent) { return ir::min(index * ir::Expr(size), ir::Expr(extent - size)); }

}  // namespace

ir::Stmt lower_depthwise_conv2d(LowerContext& ctx, const TensorRef& src, const DepthwiseConv& conv) {
  using ir::Expr;
  const TensorRef& out = ctx.output();
  const Pair &k = conv.kernel, &s = conv.stride, &d = conv.dilation;
  const int64_t channels = out.shape[1], out_h = out.shape[2], out_w = out.shape[3];
  const int64_t multiplier = channels / src.shape[1];
  const RegisterTile tile = choose_depthwise_tile(out_h, out_w);
  const int64_t row_blocks = (out_h + tile.rows - 1) / tile.rows, column_tiles = (out_w + tile.width() - 1) / tile.width();
  const ir::Buffer& weight = ctx.param("weight");
  const Shape weight_shape = {channels, 1, k[0], k[1]};

  // The (tile row, kernel row) pairs reading each input row, by its offset from the tile's first.
  std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> readers;
  for (int64_t r = 0; r < tile.rows; ++r)
    for (int64_t kh = 0; kh < k[0]; ++kh) readers[r * s[0] + kh * d[0]].emplace_back(r, kh);

  const PlanePadding& pad = conv.pad;
  const bool pads_planes = pad.top || pad.bottom || pad.left || pad.right;
  const int64_t in_h = src.shape[2] + pad.top + pad.bottom, in_w = src.shape[3] + pad.left + pad.right;
  const ir::ForKind kind = ctx.worth_parallel(channels * out_h * out_w * k[0] * k[1]) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  return loop(ctx, "n", 0, out.shape[0], [&](const Expr& n) {
    return loop(ctx, "c", 0, channels, [&](const Expr& c) {
      const Expr ic = multiplier == 1 ? c : c / Expr(multiplier);
      const Expr src_plane = flat_index(src.shape, {n, ic, Expr(0), Expr(0)});
      const ir::Buffer plane = pads_planes ? ir::local_buffer(ctx.fresh_name("plane"), in_h * in_w) : src.buffer;
      const Expr plane_at = pads_planes ? Expr(0) : src_plane;
      ir::Stmt rows = loop(ctx, "ohb", 0, row_blocks, [&](const Expr& ohb) {
        return loop(ctx, "t", 0, column_tiles, [&](const Expr& t) {
          std::string oh0_name = ctx.fresh_name("oh0"), ow0_name = ctx.fresh_name("ow0");
          const Expr oh0 = ir::i64_var(oh0_name), ow0 = ir::i64_var(ow0_name);
          AccumulatorTile acc(ctx, tile);
          ir::Stmt init = acc.for_each([&](int64_t r, int64_t v) {
            return acc.init(r, v, conv.bias ? ir::Load::make(ctx.param("bias"), c) : ir::f32(0));
          });
          std::vector<ir::Stmt> body;
          for (const auto& [offset, pairs] : readers) {
            for (int64_t kw = 0; kw < k[1]; ++kw) {
              std::vector<Expr> columns;
              for (int64_t v = 0; v < tile.columns; ++v) {
                Expr column = (ow0 + Expr(v * tile.lanes)) * Expr(s[1]) + Expr(kw * d[1]);
                Expr at = plane_at + (oh0 * Expr(s[0]) + Expr(offset)) * Expr(in_w) + column;
                columns.push_back(load_lanes(plane, at, s[1], tile.lanes));
              }
              std::vector<std::pair<std::string, Expr>> lets;
              std::vector<Expr> x = bind_each(ctx, "x", columns, lets);
              std::vector<ir::Stmt> fmas;
              for (const auto& [r, kh] : pairs) {
                Expr w = splat(ir::Load::make(weight, flat_index(weight_shape, {c, Expr(0), Expr(kh), Expr(kw)})), tile.lanes);
                for (int64_t v = 0; v < tile.columns; ++v) fmas.push_back(acc.fma(r, v, x[v], w));
              }
              body.push_back(with_lets(lets, ir::Block::make(std::move(fmas))));
            }
          }
          ir::Stmt store = acc.for_each([&](int64_t r, int64_t v) {
            Expr at = flat_index(out.shape, {n, c, oh0 + Expr(r), ow0 + Expr(v * tile.lanes)});
            return ctx.store_output(lane_indices(at, 1, tile.lanes), acc.value(r, v), c);
          });
          ir::Stmt compute = acc.allocate(ir::Block::make({init, ir::Block::make(std::move(body)), store}));
          return ir::LetStmt::make(oh0_name, tile_start(ohb, tile.rows, out_h),
                                   ir::LetStmt::make(ow0_name, tile_start(t, tile.width(), out_w), compute));
        });
      });
      if (!pads_planes) return rows;
      return ir::Allocate::make(plane, ir::Block::make({zero_pad_plane(ctx, src.buffer, src_plane, src.shape[2], src.shape[3], plane, Expr(0), pad), rows}));
    }, kind);
  });
}

}  // namespace nnc
