#include "lower/register_tile.h"

#include <algorithm>
#include <cstdint>

namespace nnc {

using namespace ir;

int64_t largest_divisor_up_to(int64_t n, int64_t limit) {
  for (int64_t b = std::min(n, limit); b > 1; --b)
    if (n % b == 0) return b;
  return 1;
}

RegisterTile choose_output_tile(int64_t width, int64_t rows_per_group) {
  // 24 accumulators leave 8 of the 32 vector registers for the inputs and the broadcast weight.
  constexpr int64_t kLanes = 16, kMaxVectors = 4, kMaxAccumulators = 24, kMaxRows = 8;
  RegisterTile tile;
  tile.lanes = std::min(width, kLanes);
  int64_t best_columns = INT64_MAX;
  for (int64_t v = 1; v <= kMaxVectors && v * tile.lanes <= width; ++v) {
    int64_t span = v * tile.lanes, columns = (width + span - 1) / span * span;
    if (columns <= best_columns) {
      best_columns = columns;
      tile.columns = v;
    }
  }
  tile.rows = largest_divisor_up_to(rows_per_group, std::min(kMaxRows, kMaxAccumulators / tile.columns));
  return tile;
}

RegisterTile choose_broadcast_tile(int64_t vectors, int64_t width) {
  // The accumulators, one weight vector per row and the broadcast input in 30 of the 32 registers.
  constexpr int64_t kLanes = 16, kRegisters = 30, kMaxVectors = 4;
  auto used = [](int64_t n, int64_t block) { return static_cast<double>(n) / static_cast<double>((n + block - 1) / block * block); };
  RegisterTile best{.rows = 1, .columns = 1, .lanes = kLanes};
  double best_score = -1;
  for (int64_t v = 1; v <= std::min(kMaxVectors, vectors); ++v) {
    for (int64_t p = 1; p <= width && v * p + v + 1 <= kRegisters; ++p) {
      const double fmas = static_cast<double>(v * p), loads = static_cast<double>(v + p);
      // Measured on Zen 4: wasted lanes cost in full, loads a little (two issue per multiply-add).
      const double score = used(width, p) * used(vectors, v) * fmas / (fmas + 0.25 * loads);
      if (score > best_score + 1e-9) {
        best_score = score;
        best = {.rows = v, .columns = p, .lanes = kLanes};
      }
    }
  }
  return best;
}

RegisterTile choose_dot_tile(int64_t rows, int64_t columns) {
  // 4 x 4 partial sums and 4 + 4 operand vectors, or for a single row 8 partial sums and 1 + 8.
  RegisterTile tile;
  tile.lanes = 16;
  tile.rows = largest_divisor_up_to(rows, 4);
  tile.columns = largest_divisor_up_to(columns, tile.rows > 1 ? 4 : 8);
  return tile;
}

Expr lane_indices(const Expr& index, int64_t stride, int64_t lanes) {
  if (lanes == 1) return index;
  return Ramp::make(index, Expr(stride), static_cast<int>(lanes));
}

Expr load_lanes(const Buffer& buffer, const Expr& index, int64_t stride, int64_t lanes) {
  return Load::make(buffer, lane_indices(index, stride, lanes));
}

Stmt store_lanes(const Buffer& buffer, const Expr& value, const Expr& index, int64_t lanes) {
  return Store::make(buffer, value, lane_indices(index, 1, lanes));
}

Expr splat(const Expr& value, int64_t lanes) { return lanes == 1 ? value : Broadcast::make(value, static_cast<int>(lanes)); }

std::vector<Expr> bind_each(LowerContext& ctx, const std::string& base, const std::vector<Expr>& values,
                            std::vector<std::pair<std::string, Expr>>& lets) {
  std::vector<Expr> vars;
  for (const Expr& value : values) {
    lets.emplace_back(ctx.fresh_name(base), value);
    vars.push_back(Var::make(value.type(), lets.back().first));
  }
  return vars;
}

AccumulatorTile::AccumulatorTile(LowerContext& ctx, const RegisterTile& tile) : tile_(tile) {
  for (int64_t i = 0; i < tile.accumulators(); ++i) buffers_.push_back(local_buffer(ctx.fresh_name("acc"), tile.lanes));
}

const Buffer& AccumulatorTile::buffer(int64_t row, int64_t column) const { return buffers_[row * tile_.columns + column]; }

Expr AccumulatorTile::value(int64_t row, int64_t column) const { return load_lanes(buffer(row, column), Expr(0), 1, tile_.lanes); }

Stmt AccumulatorTile::init(int64_t row, int64_t column, const Expr& start) const {
  return set(row, column, splat(start, tile_.lanes));
}

Stmt AccumulatorTile::set(int64_t row, int64_t column, const Expr& value) const {
  return store_lanes(buffer(row, column), value, Expr(0), tile_.lanes);
}

Stmt AccumulatorTile::fma(int64_t row, int64_t column, const Expr& a, const Expr& b) const {
  return set(row, column, value(row, column) + a * b);
}

Stmt AccumulatorTile::fma_lane0(int64_t row, int64_t column, const Expr& a, const Expr& b) const {
  const Buffer& acc = buffer(row, column);
  return Store::make(acc, Load::make(acc, 0) + a * b, 0);
}

Stmt AccumulatorTile::for_each(const std::function<Stmt(int64_t, int64_t)>& f) const {
  std::vector<Stmt> stmts;
  for (int64_t row = 0; row < tile_.rows; ++row)
    for (int64_t column = 0; column < tile_.columns; ++column) stmts.push_back(f(row, column));
  return Block::make(std::move(stmts));
}

Stmt AccumulatorTile::allocate(Stmt body) const {
  for (const Buffer& b : buffers_) body = Allocate::make(b, std::move(body));
  return body;
}

}  // namespace nnc
