#include "ir/param_layout.h"

namespace nnc {

const ParamSlot* ParamLayout::find(const std::string& key) const {
  for (const ParamSlot& s : slots)
    if (s.key == key) return &s;
  return nullptr;
}

}  // namespace nnc
