// The register-tile helpers of the lowering layer: the tile choosers, vector loads and stores,
// and the accumulator tile's IR, on hand-built kernels.
#include <catch2/catch.hpp>

#include <map>

#include "ir/verify.h"
#include "ir/visitor.h"
#include "lower/register_tile.h"

using namespace nnc;

namespace {

// How many Allocates, and how many stores into each buffer, a statement holds.
struct StoreCounter : ir::IRVisitor {
  int allocates = 0;
  std::map<std::string, int> stores;
  using ir::IRVisitor::visit;
  void visit(const ir::Allocate* op) override {
    ++allocates;
    ir::IRVisitor::visit(op);
  }
  void visit(const ir::Store* op) override {
    ++stores[op->buffer->name];
    ir::IRVisitor::visit(op);
  }
};

StoreCounter count(const ir::Stmt& s) {
  StoreCounter c;
  c.visit(s);
  return c;
}

}  // namespace

TEST_CASE("the largest divisor within a limit", "[lower][tile]") {
  CHECK(largest_divisor_up_to(12, 5) == 4);
  CHECK(largest_divisor_up_to(12, 100) == 12);
  CHECK(largest_divisor_up_to(7, 6) == 1);
  CHECK(largest_divisor_up_to(1, 8) == 1);
}

TEST_CASE("output tiles divide the group and stay within the register budget", "[lower][tile]") {
  for (int64_t width = 1; width <= 100; ++width) {
    for (int64_t group = 1; group <= 64; ++group) {
      RegisterTile t = choose_output_tile(width, group);
      INFO("width " << width << ", rows per group " << group);
      CHECK(t.lanes == std::min<int64_t>(width, 16));
      CHECK(t.width() <= width);  // the last tile, moved left, stays inside the row
      CHECK(group % t.rows == 0);
      CHECK(t.rows <= 8);
      CHECK(t.accumulators() <= 24);
    }
  }
}

TEST_CASE("output tiles: narrow rows, little waste, prime groups", "[lower][tile]") {
  RegisterTile narrow = choose_output_tile(5, 8);
  CHECK(narrow.lanes == 5);
  CHECK(narrow.columns == 1);
  CHECK(narrow.rows == 8);
  CHECK(choose_output_tile(1, 3).lanes == 1);
  // 56 columns: two vectors per tile cover 64 columns, as one does, and with fewer tiles.
  CHECK(choose_output_tile(56, 64).columns == 2);
  // Four vectors leave room for 6 rows of accumulators; 7 has no divisor up to 6.
  RegisterTile wide = choose_output_tile(64, 7);
  CHECK(wide.columns == 4);
  CHECK(wide.rows == 1);
  CHECK(choose_output_tile(64, 12).rows == 6);
}

TEST_CASE("dot tiles divide both sides and keep sums and operands in 32 registers", "[lower][tile]") {
  for (int64_t rows = 1; rows <= 40; ++rows) {
    for (int64_t columns = 1; columns <= 40; ++columns) {
      RegisterTile t = choose_dot_tile(rows, columns);
      INFO(rows << " rows, " << columns << " columns");
      CHECK(t.lanes == 16);
      CHECK(rows % t.rows == 0);
      CHECK(columns % t.columns == 0);
      CHECK(t.accumulators() + t.rows + t.columns <= 32);
    }
  }
  RegisterTile one_row = choose_dot_tile(1, 40);
  CHECK(one_row.rows == 1);
  CHECK(one_row.columns == 8);
  RegisterTile block = choose_dot_tile(6, 10);
  CHECK(block.rows == 3);
  CHECK(block.columns == 2);
}

TEST_CASE("lane loads and stores: scalars at one lane, ramps with the stride otherwise", "[lower][tile]") {
  ir::Buffer b = ir::argument_buffer("b", 64, false, 64);
  ir::Expr i = ir::i64_var("i");
  CHECK(load_lanes(b, i, 2, 1).type() == ir::Type::f32());
  ir::Expr vector = load_lanes(b, i, 2, 16);
  CHECK(vector.type() == ir::Type::f32(16));
  const ir::Ramp* ramp = vector.as<ir::Load>()->index.as<ir::Ramp>();
  REQUIRE(ramp);
  CHECK(ramp->stride.as<ir::IntImm>()->value == 2);
  CHECK(lane_indices(i, 3, 1).same_as(i));
  CHECK(splat(ir::f32(1), 8).type() == ir::Type::f32(8));
  CHECK(splat(ir::f32(1), 1).as<ir::FloatImm>());
  const ir::Stmt stored = store_lanes(b, splat(ir::f32(1), 4), i, 4);
  const ir::Store* store = stored.as<ir::Store>();
  REQUIRE(store);
  CHECK(store->index.as<ir::Ramp>()->lanes == 4);
}

TEST_CASE("an accumulator tile allocates, initialises, updates and stores every accumulator", "[lower][tile]") {
  // y[r, c] = sum_k x[r, k] * w[c, k] over a 2 x 3 tile of 4-lane partial sums, k in vectors of 4.
  Layer layer;
  layer.name = "dot";
  ir::Buffer x = ir::argument_buffer("x", 2 * 8, true, 64), w = ir::argument_buffer("w", 3 * 8, true, 64);
  ir::Buffer y = ir::argument_buffer("y", 2 * 3, false, 64);
  LowerContext ctx(layer, {TensorRef{x, {2, 8}}}, TensorRef{y, {2, 3}}, {{"weight", w}}, nullptr, {}, 1);
  const RegisterTile tile{.rows = 2, .columns = 3, .lanes = 4};
  AccumulatorTile acc(ctx, tile);

  ir::Stmt init = acc.for_each([&](int64_t r, int64_t c) { return acc.init(r, c, ir::f32(0)); });
  ir::Stmt reduction = loop(ctx, "k", 0, 2, [&](const ir::Expr& k) {
    std::vector<ir::Expr> rows, columns;
    for (int64_t r = 0; r < tile.rows; ++r) rows.push_back(load_lanes(x, ir::Expr(r * 8) + k * ir::Expr(4), 1, tile.lanes));
    for (int64_t c = 0; c < tile.columns; ++c) columns.push_back(load_lanes(w, ir::Expr(c * 8) + k * ir::Expr(4), 1, tile.lanes));
    std::vector<std::pair<std::string, ir::Expr>> lets;
    std::vector<ir::Expr> xs = bind_each(ctx, "x", rows, lets), ws = bind_each(ctx, "w", columns, lets);
    CHECK(lets.size() == 5);
    CHECK(lets[0].first == "x1");  // `x` names the input buffer
    return with_lets(lets, acc.for_each([&](int64_t r, int64_t c) { return acc.fma(r, c, xs[r], ws[c]); }));
  });
  ir::Stmt store = acc.for_each([&](int64_t r, int64_t c) {
    return ctx.store_output(ir::Expr(r * 3 + c), ir::ReduceAdd::make(acc.value(r, c)));
  });
  ir::Stmt tail = acc.fma_lane0(1, 2, ir::Load::make(x, 15), ir::Load::make(w, 23));
  ir::Stmt body = acc.allocate(ir::Block::make({init, reduction, tail, store}));

  StoreCounter counted = count(body);
  CHECK(counted.allocates == 6);
  CHECK(counted.stores["y"] == 6);
  CHECK(counted.stores["acc"] == 2);  // its init and its multiply-add
  CHECK(counted.stores["acc5"] == 3);  // and the tail's
  // The accumulators are the outermost statements, the first allocated innermost.
  const ir::Allocate* outer = body.as<ir::Allocate>();
  REQUIRE(outer);
  CHECK(outer->buffer->name == "acc5");
  CHECK(outer->buffer->size == 4);
  CHECK_NOTHROW(ir::verify(ir::Function{"dot", {x, w, y}, body, "test"}));
  // Without the Allocates the accumulators are stray buffers, which the verifier refuses.
  CHECK_THROWS(ir::verify(ir::Function{"dot", {x, w, y}, ir::Block::make({init, store}), "test"}));
}
