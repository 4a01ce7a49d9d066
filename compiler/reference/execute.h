#pragma once
// The oracle: runs a graph layer by layer through the runtime's naive reference kernels, with
// no lowering and no code generation involved.
#include <map>
#include <string>

#include "graph/graph.h"
#include "nnc/tensor.h"
#include "reference/reference_kernel.h"

namespace nnc {

struct ReferenceResult {
  Tensor output;
  std::map<std::string, Tensor> layers;  // every computed layer's output, by name
};

// `params` maps "<layer>.<key>" to each parameter of the graph; `kernels` gives each layer's. A nonzero `nudge`
// moves every layer's output by that fraction of itself, up or down in a fixed pattern, as a float program's
// rounding may: how far the model's output then moves is how much the model amplifies rounding.
ReferenceResult run_reference(const Graph& graph, const std::map<std::string, Tensor>& params, const Tensor& input,
                              const ReferenceLookup& kernels, float nudge = 0);

}  // namespace nnc
