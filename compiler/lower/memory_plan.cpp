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

const ParamSlot* ParamLayout::find(const std::string& key) const {
  for (const ParamSlot& s : slots)
    if (s.key == key) return &s;
  return nullptr;
}

ParamLayout layout_params(const Graph& graph) {
  ParamLayout layout;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    for (const ParamSpec& p : graph.layers[i].params) {
      ParamSlot slot{graph.layers[i].name + "." + p.key, p.shape, layout.total, *element_count(p.shape), static_cast<int>(i)};
      layout.total += align_up(slot.size);
      layout.slots.push_back(std::move(slot));
    }
  }
  return layout;
}

MemoryPlan plan_memory(const Graph& graph, const std::vector<int64_t>& scratch) {
  const int count = static_cast<int>(graph.layers.size());
  MemoryPlan plan;
  plan.outputs.resize(count);
  plan.scratch.resize(count);
  plan.needed.assign(count, false);

  // What the output depends on, and when each tensor is read for the last time.
  std::vector<int> last_use(count, -1);
  plan.needed[graph.output] = true;
  for (int i = graph.output; i >= 0; --i) {
    if (!plan.needed[i]) continue;
    for (const InputRef& ref : graph.layers[i].inputs) {
      if (ref.layer < 0) continue;
      plan.needed[ref.layer] = true;
      last_use[ref.layer] = std::max(last_use[ref.layer], i);
    }
  }

  ArenaAllocator arena;
  std::vector<std::vector<int>> dying(count);  // layers whose output is last read by layer i
  for (int i = 0; i < count; ++i) {
    if (!plan.needed[i]) continue;
    const int64_t size = *element_count(*graph.layers[i].shape);
    TensorSlot& out = plan.outputs[i];
    out.size = size;
    if (i == graph.output) {
      out.home = TensorHome::ModelOutput;
    } else {
      out.home = TensorHome::Arena;
      out.offset = arena.allocate(size);
      dying[std::max(last_use[i], i)].push_back(i);
    }
    if (scratch[i] > 0) {
      plan.scratch[i] = {TensorHome::Arena, arena.allocate(scratch[i]), scratch[i]};
      arena.release(plan.scratch[i].offset);
    }
    for (int dead : dying[i]) arena.release(plan.outputs[dead].offset);
  }
  plan.arena = arena.high_water();
  return plan;
}

}  // namespace nnc
