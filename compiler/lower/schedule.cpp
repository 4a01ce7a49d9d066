#include "lower/schedule.h"

#include <algorithm>

namespace nnc {

std::vector<int> Step::layers() const {
  std::vector<int> all = {producer};
  all.insert(all.end(), epilogues.begin(), epilogues.end());
  return all;
}

std::vector<int> Step::reads(const Graph& graph) const {
  std::vector<int> computed = layers(), out;
  for (int l : computed)
    for (const InputRef& ref : graph.layers[l].inputs)
      if (std::find(computed.begin(), computed.end(), ref.layer) == computed.end() &&
          std::find(out.begin(), out.end(), ref.layer) == out.end())
        out.push_back(ref.layer);
  return out;
}

namespace {

// Every fused layer nests its producer's value one let deeper, and a fused join adds a term per
// input to one expression: bounds keep both shallow.
constexpr size_t kMaxEpilogues = 64;
constexpr size_t kMaxFusedInputs = 16;

}  // namespace

std::vector<Step> schedule_graph(const Graph& graph, const LoweringLookup& lowerings) {
  const int count = static_cast<int>(graph.layers.size());
  std::vector<bool> needed(count, false);
  std::vector<int> readers(count, 0);
  needed[graph.output] = true;
  for (int i = graph.output; i >= 0; --i) {
    if (!needed[i]) continue;
    for (const InputRef& ref : graph.layers[i].inputs) {
      if (ref.layer < 0) continue;
      needed[ref.layer] = true;
      ++readers[ref.layer];
    }
  }

  std::vector<Step> steps;
  std::vector<int> step_of(count, -1);  // the step that computes each layer
  for (int i = 0; i < count; ++i) {
    if (!needed[i]) continue;
    const Layer& layer = graph.layers[i];
    // Fuse into the step computing one of the inputs when this layer can be an epilogue, that input
    // has as many elements as the result (a broadcast input does not: its producer's loop is too
    // short), it is that tensor's only reader, the step's result is not the model output, the
    // producer takes epilogues, and every other input already exists when that step runs.
    bool fused = false;
    const bool fusible = lowerings(layer).epilogue && layer.inputs.size() <= kMaxFusedInputs;
    for (size_t chain = 0; chain < layer.inputs.size() && fusible && !fused; ++chain) {
      const int from = layer.inputs[chain].layer;
      if (from < 0 || readers[from] != 1 || from == graph.output) continue;
      if (element_count(*graph.layers[from].shape) != element_count(*layer.shape)) continue;
      Step& step = steps[step_of[from]];
      bool ready = step.output() == from && lowerings(graph.layers[step.producer]).accepts_epilogue &&
                   step.epilogues.size() < kMaxEpilogues;
      for (size_t k = 0; ready && k < layer.inputs.size(); ++k) {
        const int other = layer.inputs[k].layer;
        ready = k == chain || other < 0 || (step_of[other] >= 0 && step_of[other] < step_of[from]);
      }
      if (!ready) continue;
      step.epilogues.push_back(i);
      step.chain_input.push_back(chain);
      step_of[i] = step_of[from];
      fused = true;
    }
    if (fused) continue;
    step_of[i] = static_cast<int>(steps.size());
    steps.push_back(Step{i, {}, {}});
  }
  return steps;
}

}  // namespace nnc
