#include "reference/compare.h"

#include <cmath>

namespace nnc {

Comparison compare(const Tensor& got, const Tensor& want, double rtol, double atol, const Tensor* nudged) {
  Comparison c;
  for (int64_t i = 0; i < want.numel(); ++i) {
    const double a = got.data()[i], b = want.data()[i];
    if (a == b || (std::isnan(a) && std::isnan(b))) continue;
    // An infinite b would make the tolerance infinite too.
    const bool finite = std::isfinite(a) && std::isfinite(b);
    const double diff = finite ? std::fabs(a - b) : INFINITY;
    double tolerance = atol + rtol * std::fabs(b);
    if (nudged && std::isfinite(nudged->data()[i])) tolerance += kNudgeSlack * std::fabs(nudged->data()[i] - b);
    if (!finite || diff > tolerance) ++c.mismatches;
    if (diff > c.max_abs) {
      c.max_abs = diff;
      c.worst = i;
    }
  }
  return c;
}

}  // namespace nnc
