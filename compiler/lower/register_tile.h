#pragma once
// Register tiles for the ops that reduce into many outputs at once (conv2d, linear, and next
// matmul and conv_transpose2d): the tile's shape, the accumulators that hold it in vector
// registers, and the vector loads and stores around them. A lowering reads as "choose the tile;
// for each tile: initialise, reduce with multiply-adds, store".
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "lower/lower_context.h"

namespace nnc {

// rows x columns accumulators of `lanes` floats each.
struct RegisterTile {
  int64_t rows = 1, columns = 1, lanes = 1;
  int64_t accumulators() const { return rows * columns; }
  // The elements one row of the tile spans when its columns are consecutive vectors.
  int64_t width() const { return columns * lanes; }
};

// The largest divisor of n (n >= 1) that is at most limit (limit >= 1).
int64_t largest_divisor_up_to(int64_t n, int64_t limit);

// For outputs vectorised along a row of `width` elements: vectors of 16 lanes (fewer for narrow
// rows), as many per tile as waste least on the overlapping last tile, and as rows the largest
// block dividing `rows_per_group` that keeps the accumulators within the 32 vector registers.
RegisterTile choose_output_tile(int64_t width, int64_t rows_per_group);

// For products that load `vectors` vectors of 16 packed weights and broadcast one input per element of
// a row `width` long: rows = weight vectors, columns = elements, as wastes least on the overlapping last
// tiles and loads least per multiply-add, within the vector registers.
RegisterTile choose_broadcast_tile(int64_t vectors, int64_t width);

// For dot products along contiguous vectors of 16 lanes (one partial sum per row and column,
// summed across lanes at the end): the largest blocks dividing `rows` and `columns` that keep
// the partial sums and both operands' vectors within the vector registers.
RegisterTile choose_dot_tile(int64_t rows, int64_t columns);

// index, index + stride, ... for `lanes` lanes: a Ramp, or `index` itself when lanes is 1.
ir::Expr lane_indices(const ir::Expr& index, int64_t stride, int64_t lanes);

// `lanes` elements of `buffer`, `stride` apart from `index` (a scalar load when lanes is 1).
ir::Expr load_lanes(const ir::Buffer& buffer, const ir::Expr& index, int64_t stride, int64_t lanes);

// Stores a `lanes`-wide value at consecutive elements of `buffer` from `index`.
ir::Stmt store_lanes(const ir::Buffer& buffer, const ir::Expr& value, const ir::Expr& index, int64_t lanes);

// A scalar repeated in `lanes` lanes (the scalar itself when lanes is 1).
ir::Expr splat(const ir::Expr& value, int64_t lanes);

// A fresh variable named from `base` for each of `values`, bound by a let appended to `lets`
// (for with_lets), so that an operand loaded once serves a whole row or column of the tile.
std::vector<ir::Expr> bind_each(LowerContext& ctx, const std::string& base, const std::vector<ir::Expr>& values,
                                std::vector<std::pair<std::string, ir::Expr>>& lets);

// The accumulators of one register tile: local buffers named acc, acc1, ... row by row.
class AccumulatorTile {
 public:
  AccumulatorTile(LowerContext& ctx, const RegisterTile& tile);

  // Every lane of accumulator (row, column).
  ir::Expr value(int64_t row, int64_t column) const;
  // Sets every lane of accumulator (row, column) to the scalar `start`.
  ir::Stmt init(int64_t row, int64_t column, const ir::Expr& start) const;
  // Replaces accumulator (row, column) with `value`, as wide as its lanes.
  ir::Stmt set(int64_t row, int64_t column, const ir::Expr& value) const;
  // accumulator(row, column) += a * b, lane by lane.
  ir::Stmt fma(int64_t row, int64_t column, const ir::Expr& a, const ir::Expr& b) const;
  // Lane 0 of accumulator (row, column) += a * b, for scalar tails of a vector reduction.
  ir::Stmt fma_lane0(int64_t row, int64_t column, const ir::Expr& a, const ir::Expr& b) const;
  // f(row, column) for every accumulator, row by row, as one block.
  ir::Stmt for_each(const std::function<ir::Stmt(int64_t row, int64_t column)>& f) const;
  // `body` inside the Allocates of every accumulator.
  ir::Stmt allocate(ir::Stmt body) const;

 private:
  const ir::Buffer& buffer(int64_t row, int64_t column) const;

  RegisterTile tile_;
  std::vector<ir::Buffer> buffers_;  // row by row
};

}  // namespace nnc
