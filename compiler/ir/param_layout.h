#pragma once
// Where each parameter sits in the read-only block a module's entry point takes, keyed like the weights file.
#include <cstdint>
#include <string>
#include <vector>

#include "nnc/shape.h"

namespace nnc {

struct ParamSlot {
  std::string key;  // "<layer>.<param>", the weights file's key
  Shape shape;
  int64_t offset = 0;  // floats
  int64_t size = 0;    // floats in the block: the element count, or the packed size
  // 0: stored as given. Otherwise the tensor, seen as a matrix [shape[0], rest], is stored with its rows
  // interleaved in blocks of row_block (see pack_rows), so a kernel loads row_block rows' values as one vector.
  int64_t row_block = 0;
};

struct ParamLayout {
  std::vector<ParamSlot> slots;
  int64_t total = 0;  // floats
  const ParamSlot* find(const std::string& key) const;
};

// Floats a tensor of `shape` takes in the block when stored with `row_block` (0: as given).
int64_t packed_size(const Shape& shape, int64_t row_block);

// src as a row-major [rows, columns] matrix into dst as [ceil(rows / block)][columns][block]: element (r, c) at
// ((r / block) * columns + c) * block + r % block, the rows past the last filled with zeros.
void pack_rows(const float* src, int64_t rows, int64_t columns, int64_t block, float* dst);

}  // namespace nnc
