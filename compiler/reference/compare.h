#pragma once
// How `nnc run --verify` compares the compiled model's output with the reference kernels': PyTorch's
// allclose(rtol, atol, equal_nan=True), element by element.
#include <cstdint>

#include "nnc/tensor.h"

namespace nnc {

struct Comparison {
  int64_t mismatches = 0;
  double max_abs = 0;  // the largest difference; infinite for a NaN or an infinity against another value
  int64_t worst = -1;  // its index, -1 when every value matches exactly
};

// NaN matches NaN and an infinity the same infinity; otherwise a NaN or an infinity on either side differs,
// whatever the tolerance. `got` and `want` have the same number of elements. With `nudged` (the reference run
// again with its rounding simulated), each value may also differ by kNudgeSlack times as much as `want` moved.
Comparison compare(const Tensor& got, const Tensor& want, double rtol, double atol, const Tensor* nudged = nullptr);

inline constexpr double kNudgeSlack = 8;

}  // namespace nnc
