// pad: F.pad's constant, reflect, replicate and circular modes, negative sizes cropping (circular
// wraps around what the crop leaves, as PyTorch's copies do).
#include <algorithm>

#include <fmt/format.h>

#include "checks.h"

namespace nnc::ref {

Tensor pad(const Tensor& input, const std::vector<int64_t>& pad, PaddingMode mode, double value) {
  const Shape& in = input.shape();
  const size_t rank = in.size(), pairs = pad.size() / 2;
  require(pad.size() % 2 == 0 && pairs <= rank, "pad", fmt::format("{} pad entries do not fit an input of rank {}", pad.size(), rank));
  Shape out = in;
  for (size_t p = 0; p < pairs; ++p) {
    const size_t dim = rank - 1 - p;
    out[dim] = in[dim] + pad[2 * p] + pad[2 * p + 1];
    require(out[dim] >= 1, "pad", fmt::format("dim {} is cropped to {}", dim, out[dim]));
    if (mode == PaddingMode::reflect) require(pad[2 * p] < in[dim] && pad[2 * p + 1] < in[dim], "pad", "reflect padding must be smaller than the dim");
    const int64_t kept = in[dim] + std::min<int64_t>(pad[2 * p], 0) + std::min<int64_t>(pad[2 * p + 1], 0);
    if (mode == PaddingMode::circular)
      require(pad[2 * p] <= kept && pad[2 * p + 1] <= kept, "pad", "circular padding must not exceed the dim left after cropping");
  }
  Tensor output(out);
  std::vector<int64_t> index(rank, 0);  // the output position, last dim fastest
  for (int64_t flat = 0; flat < output.numel(); ++flat) {
    int64_t source = 0;
    bool inside = true;
    for (size_t d = 0; d < rank; ++d) {
      int64_t i = index[d];
      if (rank - 1 - d < pairs) {
        const int64_t before = pad[2 * (rank - 1 - d)], after = pad[2 * (rank - 1 - d) + 1];
        auto mapped = padded_source(i - before, in[d], mode);
        if (mode == PaddingMode::circular) {
          // PyTorch crops first, then wraps around what is left.
          const int64_t first = std::max<int64_t>(-before, 0), kept = in[d] - first - std::max<int64_t>(-after, 0);
          mapped = first + checked::floor_mod(i - std::max<int64_t>(before, 0), kept);
        }
        inside = inside && mapped.has_value();
        i = mapped.value_or(0);
      }
      source = source * in[d] + i;
    }
    output.data()[flat] = inside ? input.data()[source] : static_cast<float>(value);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out[d]) break;
      index[d] = 0;
    }
  }
  return output;
}

}  // namespace nnc::ref
