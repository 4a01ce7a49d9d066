#pragma once
// Matrix products through register tiles, for the ops that multiply matrices (linear, matmul,
// multihead_attention): one kernel for operands that are both contiguous along the reduction
// (x W^T, Q K^T), one for a right operand contiguous along the output's columns (A B, P V).
#include <cstdint>
#include <functional>

#include "ir/ir.h"
#include "lower/lower_context.h"

namespace nnc {

// A matrix inside a buffer: element (row, column) at offset + row * row_stride + column.
struct MatrixRef {
  ir::Buffer buffer;
  int64_t row_stride = 0;
  ir::Expr offset;  // undefined: 0

  ir::Expr at(const ir::Expr& row, const ir::Expr& column) const;
};

// Where a kernel's results go: store(row, column, value), `value` a scalar for dot_tiles and
// `lanes` results of consecutive columns from `column` for row_tiles.
using TileStore = std::function<ir::Stmt(const ir::Expr& row, const ir::Expr& column, const ir::Expr& value, int64_t lanes)>;

// The sizes of a product: out is rows x columns, summed over depth.
struct ProductSize {
  int64_t rows = 1, columns = 1, depth = 1;
};

// out(r, c) = sum over i of a(r, i) * b(c, i): 16-lane partial sums per tile element, added across
// lanes at the end. The loop over column blocks gets `kind`.
ir::Stmt dot_tiles(LowerContext& ctx, const MatrixRef& a, const MatrixRef& b, const ProductSize& size, const TileStore& store,
                   ir::ForKind kind = ir::ForKind::Serial);

// out(r, c) = sum over i of a(r, i) * b(i, c): rows of vectors along c, each a(r, i) broadcast. The
// last column tile is moved left to end at the last column (its overlap computed twice), so
// `columns` needs no multiple of the vector width. The loop over row blocks gets `kind`.
ir::Stmt row_tiles(LowerContext& ctx, const MatrixRef& a, const MatrixRef& b, const ProductSize& size, const TileStore& store,
                   ir::ForKind kind = ir::ForKind::Serial);

// The columns of one vector of a packed operand (ParamSlot::row_block).
constexpr int64_t kPackedColumns = 16;

// A parameter packed by kPackedColumns columns (pack_rows), its column 0 `offset` floats into `buffer`.
struct PackedMatrix {
  ir::Buffer buffer;
  int64_t offset = 0;
};

// out(r, c) = sum over i of a(r, i) * b(c, i), with b a parameter packed by kPackedColumns columns
// (pack_rows: b(c, i) at ((c / 16) * depth + i) * 16 + c % 16), so that each step loads whole vectors of
// b and broadcasts a(r, i): the GEMM micro-kernel of BLIS and MLAS. `columns` must be a multiple of 16; any
// number of rows works, the last row tile moved up to end at the last row. The loop over column
// groups is outermost, so that a group's packed columns stay in cache while every row streams past;
// it gets `kind`.
ir::Stmt packed_tiles(LowerContext& ctx, const MatrixRef& a, const PackedMatrix& b, const ProductSize& size,
                      const TileStore& store, ir::ForKind kind = ir::ForKind::Serial);

}  // namespace nnc
