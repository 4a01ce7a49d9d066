#include "ir/param_layout.h"

namespace nnc {

const ParamSlot* ParamLayout::find(const std::string& key) const {
  for (const ParamSlot& s : slots)
    if (s.key == key) return &s;
  return nullptr;
}

int64_t packed_size(const Shape& shape, int64_t row_block) {
  int64_t elements = 1;
  for (int64_t d : shape) elements *= d;
  if (row_block == 0 || shape.empty() || shape[0] == 0) return elements;
  const int64_t columns = elements / shape[0], blocks = (shape[0] + row_block - 1) / row_block;
  return blocks * row_block * columns;
}

void pack_rows(const float* src, int64_t rows, int64_t columns, int64_t block, float* dst) {
  const int64_t blocks = (rows + block - 1) / block;
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t c = 0; c < columns; ++c)
      for (int64_t lane = 0; lane < block; ++lane) {
        const int64_t r = b * block + lane;
        dst[(b * columns + c) * block + lane] = r < rows ? src[r * columns + c] : 0.0f;
      }
}

}  // namespace nnc
