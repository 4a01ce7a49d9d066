#include "ops/conv2d_channel_vectors.h"

#include <algorithm>

#include "lower/register_tile.h"

namespace nnc {
namespace {

using ir::Expr;

constexpr int64_t kLanes = kChannelVectorLanes;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

bool prefers_channel_vectors(int64_t in_channels, const Pair& kernel, int64_t out_channels) {
  // Each output costs a 16th of a vector stored lane by lane: measured on ResNet-50's layers, worth it from
  // 128 multiply-adds per output on (64 lose 10%, 128 break even, 256 and more win 8-100%).
  return out_channels % kLanes == 0 && in_channels * kernel[0] * kernel[1] >= 128;
}

ir::Stmt lower_conv2d_channel_vectors(LowerContext& ctx, const TensorRef& src, const ChannelVectorConv& conv) {
  const TensorRef& out = ctx.output();
  const Pair &k = conv.kernel, &s = conv.stride, &d = conv.dilation;
  const int64_t batch = out.shape[0], out_channels = out.shape[1], in_channels = src.shape[1];
  // A 1x1 stride-1 convolution over unpadded planes reads each pixel where it writes it: one long row.
  const bool one_row = k == Pair{1, 1} && s == Pair{1, 1} && src.shape[2] == out.shape[2] && src.shape[3] == out.shape[3];
  const int64_t out_h = one_row ? 1 : out.shape[2], out_w = one_row ? out.shape[2] * out.shape[3] : out.shape[3];
  const int64_t in_h = one_row ? 1 : src.shape[2], in_w = one_row ? out_w : src.shape[3];
  const int64_t plane = out.shape[2] * out.shape[3];
  const int64_t channel_vectors = out_channels / kLanes;
  const RegisterTile tile = choose_broadcast_tile(channel_vectors, out_w);
  const int64_t groups = ceil_div(channel_vectors, tile.rows), tiles = ceil_div(out_w, tile.columns);
  const ir::Buffer& weight = ctx.param("weight");
  const int64_t taps = in_channels * k[0] * k[1];  // weight vectors per channel vector

  // One tile: channel vectors from cv0, pixels from ow0 of output row oh in sample n.
  auto tile_at = [&](const Expr& n, const Expr& group, const Expr& oh, const Expr& t) {
    // The last group and the last tile are moved back to end at the last channel vector and pixel;
    // their overlap is computed twice.
    std::string cv0_name = ctx.fresh_name("cv0"), ow0_name = ctx.fresh_name("ow0");
    Expr cv0 = ir::i64_var(cv0_name), ow0 = ir::i64_var(ow0_name);
    AccumulatorTile acc(ctx, tile);
    auto channel = [&](int64_t v) { return (cv0 + Expr(v)) * Expr(kLanes); };
    ir::Stmt init = acc.for_each([&](int64_t v, int64_t p) {
      return conv.bias ? acc.set(v, p, load_lanes(ctx.param("bias"), channel(v), 1, kLanes)) : acc.init(v, p, ir::f32(0));
    });
    ir::Stmt reduction = loop(ctx, "ic", 0, in_channels, [&](const Expr& ic) {
      return loop(ctx, "kh", 0, k[0], [&](const Expr& kh) {
        return loop(ctx, "kw", 0, k[1], [&](const Expr& kw) {
          Expr tap = (ic * Expr(k[0]) + kh) * Expr(k[1]) + kw;
          std::vector<Expr> weights, pixels;
          for (int64_t v = 0; v < tile.rows; ++v)
            weights.push_back(load_lanes(weight, ((cv0 + Expr(v)) * Expr(taps) + tap) * Expr(kLanes), 1, kLanes));
          Expr row = ((n * Expr(in_channels) + ic) * Expr(in_h) + oh * Expr(s[0]) + kh * Expr(d[0])) * Expr(in_w);
          for (int64_t p = 0; p < tile.columns; ++p)
            pixels.push_back(splat(ir::Load::make(src.buffer, row + (ow0 + Expr(p)) * Expr(s[1]) + kw * Expr(d[1])), kLanes));
          std::vector<std::pair<std::string, Expr>> lets;
          std::vector<Expr> w = bind_each(ctx, "w", weights, lets);
          return with_lets(lets, acc.for_each([&](int64_t v, int64_t p) { return acc.fma(v, p, w[v], pixels[p]); }));
        });
      });
    });
    // The results leave lane by lane: each lane is one channel plane, where the tile's pixels are
    // consecutive. Spilling the tile to a local buffer first keeps the accumulators in registers.
    ir::Buffer spill = ir::local_buffer(ctx.fresh_name("spill"), tile.rows * tile.columns * kLanes);
    auto spilled = [&](int64_t v, int64_t p) { return (v * tile.columns + p) * kLanes; };
    ir::Stmt spill_tile = acc.for_each([&](int64_t v, int64_t p) { return store_lanes(spill, acc.value(v, p), Expr(spilled(v, p)), kLanes); });
    ir::Stmt store = loop(ctx, "lane", 0, kLanes, [&](const Expr& lane) {
      std::vector<ir::Stmt> stores;
      for (int64_t v = 0; v < tile.rows; ++v)
        for (int64_t p = 0; p < tile.columns; ++p) {
          Expr oc = channel(v) + lane;
          Expr at = (n * Expr(out_channels) + oc) * Expr(plane) + oh * Expr(out_w) + ow0 + Expr(p);
          stores.push_back(ctx.store_output(at, ir::Load::make(spill, Expr(spilled(v, p)) + lane), oc));
        }
      return ir::Block::make(std::move(stores));
    });
    store = ir::Allocate::make(spill, ir::Block::make({spill_tile, store}));
    ir::Stmt body = acc.allocate(ir::Block::make({init, reduction, store}));
    body = ir::LetStmt::make(ow0_name, ir::min(t * Expr(tile.columns), Expr(out_w - tile.columns)), body);
    return ir::LetStmt::make(cv0_name, ir::min(group * Expr(tile.rows), Expr(channel_vectors - tile.rows)), body);
  };

  const ir::ForKind parallel = ctx.worth_parallel(out_channels * plane * taps) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  // Planes that stay in cache are read once per channel group; larger ones are walked tile by tile
  // with every group's weights, which stay in cache instead.
  constexpr int64_t kCachedInputFloats = 1 << 16;
  const bool groups_outside = in_channels * in_h * in_w <= kCachedInputFloats;
  return loop(ctx, "n", 0, batch, [&](const Expr& n) {
    if (groups_outside)
      return loop(ctx, "g", 0, groups, [&](const Expr& g) {
        return loop(ctx, "oh", 0, out_h, [&](const Expr& oh) {
          return loop(ctx, "t", 0, tiles, [&](const Expr& t) { return tile_at(n, g, oh, t); });
        });
      }, parallel);
    return loop(ctx, "r", 0, out_h * tiles, [&](const Expr& r) {
      return loop(ctx, "g", 0, groups, [&](const Expr& g) { return tile_at(n, g, r / Expr(tiles), r % Expr(tiles)); });
    }, parallel);
  });
}

}  // namespace nnc
