#include "lower/memory_plan.h"

#include <algorithm>
#include <map>

namespace nnc {
namespace {

int64_t align_up(int64_t n) { return (n + kTensorAlignFloats - 1) / kTensorAlignFloats * kTensorAlignFloats; }

// First-fit allocation of [offset, offset+size) ranges within a growing arena.
class ArenaAllocator {
 public:
  int64_t allocate(int64_t size) {
    size = align_up(std::max<int64_t>(size, 1));
    int64_t offset = 0;
    for (const auto& [start, length] : live_) {
      if (offset + size <= start) break;
      offset = std::max(offset, start + length);
    }
    live_.emplace(offset, size);
    high_water_ = std::max(high_water_, offset + size);
    return offset;
  }
  void release(int64_t offset) { live_.erase(offset); }
  int64_t high_water() const { return high_water_; }

 private:
  std::map<int64_t, int64_t> live_;  // offset -> size, ordered by offset
  int64_t high_water_ = 0;
};

}  // namespace

ParamLayout layout_params(const Graph& graph, const LoweringLookup& lowerings) {
  ParamLayout layout;
  for (const Layer& layer : graph.layers) {
    const LayerLowering& lowering = lowerings(layer);
    std::vector<Shape> inputs;
    for (const InputRef& ref : layer.inputs) inputs.push_back(*graph.shape_of(ref));
    for (const ParamSpec& p : layer.params) {
      const int64_t row_block = lowering.param_row_block ? lowering.param_row_block(layer, inputs, p.key) : 0;
      ParamSlot slot{weights_key(layer, p), p.shape, layout.total, packed_size(p.shape, row_block), row_block};
      layout.total += align_up(slot.size);
      layout.slots.push_back(std::move(slot));
    }
  }
  return layout;
}

MemoryPlan plan_memory(const Graph& graph, const std::vector<Step>& steps, const std::vector<int64_t>& scratch) {
  MemoryPlan plan;
  plan.outputs.resize(graph.layers.size());
  plan.scratch.resize(steps.size());

  // The last step that reads each layer's output.
  std::vector<size_t> last_read(graph.layers.size(), 0);
  for (size_t s = 0; s < steps.size(); ++s)
    for (int l : steps[s].reads(graph))
      if (l >= 0) last_read[l] = std::max(last_read[l], s);

  ArenaAllocator arena;
  std::vector<std::vector<int>> dying(steps.size());  // layers whose output step s reads for the last time
  for (size_t s = 0; s < steps.size(); ++s) {
    const int l = steps[s].output();
    TensorSlot& out = plan.outputs[l];
    out.size = *element_count(*graph.layers[l].shape);
    if (l == graph.output) {
      out.home = TensorHome::ModelOutput;
    } else {
      out.home = TensorHome::Arena;
      out.offset = arena.allocate(out.size);
      dying[std::max(last_read[l], s)].push_back(l);
    }
    if (scratch[s] > 0) {
      plan.scratch[s] = {TensorHome::Arena, arena.allocate(scratch[s]), scratch[s]};
      arena.release(plan.scratch[s].offset);
    }
    for (int dead : dying[s]) arena.release(plan.outputs[dead].offset);
  }
  plan.arena = arena.high_water();
  return plan;
}

}  // namespace nnc
