#pragma once
// The order in which kernels run. Each step computes one producer layer and, fused into its
// final store, the chain of elementwise layers after it (activations, inference batchnorm,
// flatten, dropout, a residual add) whose input nothing else reads, so those intermediate
// tensors never touch memory.
#include <vector>

#include "graph/graph.h"
#include "lower/layer_lowering.h"

namespace nnc {

struct Step {
  int producer = -1;
  std::vector<int> epilogues;     // fused layers, in order; each reads the previous one...
  std::vector<size_t> chain_input;  // ...as its input number chain_input[i]; other inputs are read from memory
  int output() const { return epilogues.empty() ? producer : epilogues.back(); }
  // Every layer this step computes.
  std::vector<int> layers() const;
  // The tensors it reads from memory: layer indices, or InputRef::kModelInput.
  std::vector<int> reads(const Graph& graph) const;
};

// Steps for every layer the output depends on, in an order that respects the graph; `lowerings`
// tells which layers fuse.
std::vector<Step> schedule_graph(const Graph& graph, const LoweringLookup& lowerings);

}  // namespace nnc
