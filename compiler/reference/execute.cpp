#include "reference/execute.h"

namespace nnc {

const Tensor* ReferenceContext::param(const std::string& key) const {
  for (size_t i = 0; i < layer.params.size(); ++i)
    if (layer.params[i].key == key) return params[i];
  return nullptr;
}

ReferenceResult run_reference(const Graph& graph, const std::map<std::string, Tensor>& params, const Tensor& input,
                              const ReferenceLookup& kernels) {
  ReferenceResult result;
  for (int i = 0; i <= graph.output; ++i) {
    const Layer& layer = graph.layers[i];
    ReferenceContext ctx{layer, {}, {}};
    for (const InputRef& ref : layer.inputs)
      ctx.inputs.push_back(ref.layer == InputRef::kModelInput ? &input : &result.layers.at(graph.layers[ref.layer].name));
    for (const ParamSpec& p : layer.params) ctx.params.push_back(&params.at(weights_key(layer, p)));
    result.layers.emplace(layer.name, kernels(layer)(ctx));
  }
  result.output = result.layers.at(graph.layers[graph.output].name).clone();
  return result;
}

}  // namespace nnc
