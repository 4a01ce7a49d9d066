#include "lower/matrix_tiles.h"

#include <string>
#include <utility>
#include <vector>

#include "lower/register_tile.h"

namespace nnc {

using ir::Expr;

Expr MatrixRef::at(const Expr& row, const Expr& column) const {
  Expr index = row * Expr(row_stride) + column;
  return offset.defined() ? offset + index : index;
}

ir::Stmt dot_tiles(LowerContext& ctx, const MatrixRef& a, const MatrixRef& b, const ProductSize& size, const TileStore& store,
                   ir::ForKind kind) {
  const RegisterTile tile = choose_dot_tile(size.rows, size.columns);
  const int64_t chunks = size.depth / tile.lanes;
  return loop(ctx, "rb", 0, size.rows / tile.rows, [&](const Expr& rb) {
    return loop(ctx, "ob", 0, size.columns / tile.columns, [&](const Expr& ob) {
      Expr r0 = rb * Expr(tile.rows), o0 = ob * Expr(tile.columns);
      // Accumulator (j, m): the partial sums of column o0 + m of row r0 + j.
      AccumulatorTile acc(ctx, tile);
      std::vector<ir::Stmt> steps = {acc.for_each([&](int64_t j, int64_t m) { return acc.init(j, m, ir::f32(0)); })};
      if (chunks > 0) {
        steps.push_back(loop(ctx, "chunk", 0, chunks, [&](const Expr& c) {
          Expr i = c * Expr(tile.lanes);
          std::vector<Expr> row_vectors, column_vectors;
          for (int64_t j = 0; j < tile.rows; ++j) row_vectors.push_back(load_lanes(a.buffer, a.at(r0 + Expr(j), i), 1, tile.lanes));
          for (int64_t m = 0; m < tile.columns; ++m) column_vectors.push_back(load_lanes(b.buffer, b.at(o0 + Expr(m), i), 1, tile.lanes));
          std::vector<std::pair<std::string, Expr>> lets;
          std::vector<Expr> x = bind_each(ctx, "x", row_vectors, lets), w = bind_each(ctx, "w", column_vectors, lets);
          return with_lets(lets, acc.for_each([&](int64_t j, int64_t m) { return acc.fma(j, m, x[j], w[m]); }));
        }));
      }
      // The depth past the last whole vector, one at a time, into lane 0 of the partial sums.
      if (size.depth % tile.lanes) {
        steps.push_back(loop(ctx, "i", chunks * tile.lanes, size.depth % tile.lanes, [&](const Expr& i) {
          return acc.for_each([&](int64_t j, int64_t m) {
            return acc.fma_lane0(j, m, ir::Load::make(a.buffer, a.at(r0 + Expr(j), i)), ir::Load::make(b.buffer, b.at(o0 + Expr(m), i)));
          });
        }));
      }
      steps.push_back(acc.for_each([&](int64_t j, int64_t m) { return store(r0 + Expr(j), o0 + Expr(m), ir::ReduceAdd::make(acc.value(j, m)), 1); }));
      return acc.allocate(ir::Block::make(std::move(steps)));
    }, kind);
  });
}

ir::Stmt row_tiles(LowerContext& ctx, const MatrixRef& a, const MatrixRef& b, const ProductSize& size, const TileStore& store,
                   ir::ForKind kind) {
  const RegisterTile tile = choose_output_tile(size.columns, size.rows);
  const int64_t tiles = (size.columns + tile.width() - 1) / tile.width();
  return loop(ctx, "rb", 0, size.rows / tile.rows, [&](const Expr& rb) {
    return loop(ctx, "t", 0, tiles, [&](const Expr& t) {
      Expr r0 = rb * Expr(tile.rows);
      std::string c0_name = ctx.fresh_name("c0");
      Expr c0 = ir::i64_var(c0_name);
      // Accumulator (j, v): row r0 + j, columns c0 + v * lanes onwards.
      AccumulatorTile acc(ctx, tile);
      ir::Stmt init = acc.for_each([&](int64_t j, int64_t v) { return acc.init(j, v, ir::f32(0)); });
      ir::Stmt reduction = loop(ctx, "i", 0, size.depth, [&](const Expr& i) {
        std::vector<Expr> columns, lefts;
        for (int64_t v = 0; v < tile.columns; ++v) columns.push_back(load_lanes(b.buffer, b.at(i, c0 + Expr(v * tile.lanes)), 1, tile.lanes));
        for (int64_t j = 0; j < tile.rows; ++j) lefts.push_back(splat(ir::Load::make(a.buffer, a.at(r0 + Expr(j), i)), tile.lanes));
        std::vector<std::pair<std::string, Expr>> lets;
        std::vector<Expr> x = bind_each(ctx, "x", columns, lets);
        return with_lets(lets, acc.for_each([&](int64_t j, int64_t v) { return acc.fma(j, v, x[v], lefts[j]); }));
      });
      ir::Stmt results = acc.for_each([&](int64_t j, int64_t v) { return store(r0 + Expr(j), c0 + Expr(v * tile.lanes), acc.value(j, v), tile.lanes); });
      return ir::LetStmt::make(c0_name, ir::min(t * Expr(tile.width()), Expr(size.columns - tile.width())),
                               acc.allocate(ir::Block::make({init, reduction, results})));
    });
  }, kind);
}

ir::Stmt packed_tiles(LowerContext& ctx, const MatrixRef& a, const PackedMatrix& b, const ProductSize& size,
                      const TileStore& store, ir::ForKind kind) {
  const int64_t vectors = size.columns / kPackedColumns;
  const RegisterTile tile = choose_broadcast_tile(vectors, size.rows);
  const int64_t groups = (vectors + tile.rows - 1) / tile.rows, row_tiles = (size.rows + tile.columns - 1) / tile.columns;
  return loop(ctx, "g", 0, groups, [&](const Expr& g) {
    return loop(ctx, "t", 0, row_tiles, [&](const Expr& t) {
      // The last group and the last row tile are moved back to end at the last vector and row; their
      // overlap is computed twice.
      std::string v0_name = ctx.fresh_name("v0"), r0_name = ctx.fresh_name("r0");
      Expr v0 = ir::i64_var(v0_name), r0 = ir::i64_var(r0_name);
      // Accumulator (v, j): columns (v0 + v) * 16 onwards of row r0 + j.
      AccumulatorTile acc(ctx, tile);
      ir::Stmt init = acc.for_each([&](int64_t v, int64_t j) { return acc.init(v, j, ir::f32(0)); });
      ir::Stmt reduction = loop(ctx, "i", 0, size.depth, [&](const Expr& i) {
        std::vector<Expr> columns, lefts;
        for (int64_t v = 0; v < tile.rows; ++v)
          columns.push_back(load_lanes(b.buffer, Expr(b.offset) + ((v0 + Expr(v)) * Expr(size.depth) + i) * Expr(kPackedColumns), 1, kPackedColumns));
        for (int64_t j = 0; j < tile.columns; ++j) lefts.push_back(splat(ir::Load::make(a.buffer, a.at(r0 + Expr(j), i)), kPackedColumns));
        std::vector<std::pair<std::string, Expr>> lets;
        std::vector<Expr> w = bind_each(ctx, "w", columns, lets);
        return with_lets(lets, acc.for_each([&](int64_t v, int64_t j) { return acc.fma(v, j, w[v], lefts[j]); }));
      });
      ir::Stmt results = acc.for_each(
          [&](int64_t v, int64_t j) { return store(r0 + Expr(j), (v0 + Expr(v)) * Expr(kPackedColumns), acc.value(v, j), kPackedColumns); });
      ir::Stmt body = acc.allocate(ir::Block::make({init, reduction, results}));
      body = ir::LetStmt::make(r0_name, ir::min(t * Expr(tile.columns), Expr(size.rows - tile.columns)), body);
      return ir::LetStmt::make(v0_name, ir::min(g * Expr(tile.rows), Expr(vectors - tile.rows)), body);
    });
  }, kind);
}

}  // namespace nnc
