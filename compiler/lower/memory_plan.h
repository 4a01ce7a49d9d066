#pragma once
// Compile-time memory planning: every tensor a step writes gets an offset in one arena, reused
// once no later step reads it; parameters get offsets in one read-only block. Both sizes are
// known before anything runs.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "ir/param_layout.h"
#include "lower/schedule.h"

namespace nnc {

// Offsets are in floats and multiples of 16, so every tensor starts 64-byte aligned.
constexpr int64_t kTensorAlignFloats = 16;

enum class TensorHome : uint8_t { ModelOutput, Arena, Fused };

struct TensorSlot {
  TensorHome home = TensorHome::Fused;  // Fused: never stored, it lives in registers inside a step
  int64_t offset = 0;                   // in the arena
  int64_t size = 0;
};

struct MemoryPlan {
  std::vector<TensorSlot> outputs;  // per layer
  std::vector<TensorSlot> scratch;  // per step: temporary space while it runs (size 0: none)
  int64_t arena = 0;                // floats
};

// Each parameter's slot, packed as its layer's lowering asks.
ParamLayout layout_params(const Graph& graph, const LoweringLookup& lowerings);
// `scratch[s]` is how many floats step s needs while it runs.
MemoryPlan plan_memory(const Graph& graph, const std::vector<Step>& steps, const std::vector<int64_t>& scratch);

}  // namespace nnc
