#pragma once
// Graph -> Loop IR: one function `forward(input, output, params, arena)` computing every layer the
// output depends on, one kernel per step, with the schedule and memory plan behind it. The kernels come out as
// each op wrote them; the IR passes (pipeline/compile_model.h) simplify and verify them.
#include "graph/graph.h"
#include "ir/ir.h"
#include "lower/memory_plan.h"
#include "lower/schedule.h"

namespace nnc {

struct LowerOptions {
  int threads = 1;  // loops are marked parallel only when more than one thread will run them
};

struct LoweredModel {
  ir::Module module;  // one kernel per step, in order; all the code generators see
  std::vector<Step> steps;
  MemoryPlan memory;
};

struct ModelPlan {
  std::vector<Step> steps;
  MemoryPlan memory;
};

// The schedule and memory plan alone, without generating code (for the summary).
ModelPlan plan_model(const Graph& graph, const LoweringLookup& lowerings);

// The graph must have passed shape inference without errors; `lowerings` gives each layer's.
LoweredModel lower_graph(const Graph& graph, const LowerOptions& options, const LoweringLookup& lowerings);

// The name of the generated entry point.
inline constexpr const char* kForwardName = "forward";

}  // namespace nnc
