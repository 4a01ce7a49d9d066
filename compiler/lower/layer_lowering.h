#pragma once
// How one op becomes Loop IR. Each op supplies one (ops/op.h); the scheduler, the memory planner
// and lowering reach it through a LoweringLookup, so that nothing here knows the ops.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "ir/ir.h"

namespace nnc {

class LowerContext;
struct EpilogueContext;

struct LayerLowering {
  ir::Stmt (*lower)(LowerContext&) = nullptr;  // the loop nest computing the output
  // Producers whose final stores go through LowerContext::store_output, so that later layers can
  // be fused into them.
  bool accepts_epilogue = false;
  // The layer as a function of one element of its input, applied in its producer's store
  // (null: the op cannot be fused that way).
  ir::Expr (*epilogue)(const EpilogueContext&) = nullptr;
  // Floats of temporary space the lowering needs while the layer runs (null: none).
  int64_t (*scratch)(const Layer&, const std::vector<Shape>& inputs) = nullptr;
  // The row block a parameter is packed with in the parameter block (ParamSlot::row_block), so that the
  // kernel reads it as vectors; 0 or null: stored as given.
  int64_t (*param_row_block)(const Layer&, const std::vector<Shape>& inputs, const std::string& param) = nullptr;
};

// The lowering of a layer's op.
using LoweringLookup = std::function<const LayerLowering&(const Layer&)>;

}  // namespace nnc
