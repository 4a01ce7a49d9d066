#include "reference/execute.h"

#include <cstdint>

namespace nnc {

namespace {

void nudge_values(Tensor& t, int layer, float fraction) {
  float* d = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const uint64_t h = (static_cast<uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(layer) * 0xC2B2AE3D27D4EB4Full;
    d[i] += (h >> 63 ? fraction : -fraction) * d[i];
  }
}

}  // namespace

const Tensor* ReferenceContext::param(const std::string& key) const {
  for (size_t i = 0; i < layer.params.size(); ++i)
    if (layer.params[i].key == key) return params[i];
  return nullptr;
}

ReferenceResult run_reference(const Graph& graph, const std::map<std::string, Tensor>& params, const Tensor& input,
                              const ReferenceLookup& kernels, float nudge) {
  ReferenceResult result;
  for (int i = 0; i <= graph.output; ++i) {
    const Layer& layer = graph.layers[i];
    ReferenceContext ctx{layer, {}, {}};
    for (const InputRef& ref : layer.inputs)
      ctx.inputs.push_back(ref.layer == InputRef::kModelInput ? &input : &result.layers.at(graph.layers[ref.layer].name));
    for (const ParamSpec& p : layer.params) ctx.params.push_back(&params.at(weights_key(layer, p)));
    Tensor out = kernels(layer)(ctx);
    if (nudge != 0) nudge_values(out, i, nudge);
    result.layers.emplace(layer.name, std::move(out));
  }
  result.output = result.layers.at(graph.layers[graph.output].name).clone();
  return result;
}

}  // namespace nnc
