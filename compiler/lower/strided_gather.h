#pragma once
// Data movement as a gather: each output element is one input element at an affine index. The
// shape ops (permute, transpose, select, slice, channel_shuffle, pixel_shuffle) each describe
// their output as a strided view of their input; one lowering turns any view into loops.
#include <cstdint>
#include <vector>

#include "lower/lower_context.h"

namespace nnc {

// The output, in its flat order, as the elements of `shape` (the output's shape or a finer split of
// it, with the same count); element [i0, i1, ...] reads input[offset + i0*strides[0] + i1*strides[1] + ...].
struct StridedView {
  Shape shape;
  std::vector<int64_t> strides;
  int64_t offset = 0;
};

// The strides of a row-major tensor of `shape`.
std::vector<int64_t> row_major_strides(const Shape& shape);

// Loops over the output, the innermost contiguous in it, loading from the view's index and storing
// through LowerContext::store_output (so that epilogues fuse). Dims that the view walks in
// row-major order are merged first, so an inner input stride of 1 loads whole vectors.
ir::Stmt lower_gather(LowerContext& ctx, const StridedView& view);

}  // namespace nnc
