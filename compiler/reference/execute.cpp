#include "reference/execute.h"

#include "ops/op.h"

namespace nnc {

ReferenceResult run_reference(const Graph& graph, const std::map<std::string, Tensor>& params, const Tensor& input) {
  ReferenceResult result;
  for (int i = 0; i <= graph.output; ++i) {
    const Layer& layer = graph.layers[i];
    ReferenceContext ctx{layer, {}, {}};
    for (const InputRef& ref : layer.inputs)
      ctx.inputs.push_back(ref.layer == InputRef::kModelInput ? &input : &result.layers.at(graph.layers[ref.layer].name));
    for (const ParamSpec& p : layer.params) ctx.params.push_back(&params.at(layer.name + "." + p.key));
    result.layers.emplace(layer.name, layer.def->reference(ctx));
  }
  result.output = result.layers.at(graph.layers[graph.output].name).clone();
  return result;
}

}  // namespace nnc
