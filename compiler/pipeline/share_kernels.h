#pragma once
// Layers of the same shape, attributes and fused epilogue lower to the same kernel (ResNet-50's 53
// convolutions have 22 distinct ones): each is compiled once and called from every step that needs it.
#include "ir/ir.h"

namespace nnc {

// Drops every kernel identical to an earlier one (same body and arguments, up to its name), points
// its calls at the earlier one and adds its description (the layers it computes) to that one's.
void share_identical_kernels(ir::Module& module);

}  // namespace nnc
