#pragma once
// Copying an image plane into a larger one whose border is zeros, for window ops that then read
// without bounds checks.
#include "lower/lower_context.h"

namespace nnc {

// Padding of one plane: rows above and below, columns left and right.
struct PlanePadding {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};

// Writes the [height, width] plane at `src[src_at]` into the padded plane at `dst[dst_at]`,
// row by row: a row inside the source copied as whole vectors between zeroed ends, a row of the
// padding zeroed.
ir::Stmt zero_pad_plane(LowerContext& ctx, const ir::Buffer& src, const ir::Expr& src_at, int64_t height, int64_t width,
                        const ir::Buffer& dst, const ir::Expr& dst_at, const PlanePadding& pad);

}  // namespace nnc
