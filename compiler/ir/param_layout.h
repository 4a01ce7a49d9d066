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
  int64_t size = 0;
};

struct ParamLayout {
  std::vector<ParamSlot> slots;
  int64_t total = 0;  // floats
  const ParamSlot* find(const std::string& key) const;
};

}  // namespace nnc
