#include "graph/shape_inference.h"

#include <fmt/format.h>

#include <algorithm>

#include "ops/op.h"

namespace nnc {
namespace {

// Layers the output does not depend on: almost always a wiring mistake.
void warn_unused(const Graph& graph, DiagnosticEngine& diags) {
  if (graph.output < 0) return;
  std::vector<bool> used(graph.layers.size(), false);
  used[graph.output] = true;
  for (int i = graph.output; i >= 0; --i) {
    if (!used[i]) continue;
    for (const InputRef& ref : graph.layers[i].inputs)
      if (ref.layer >= 0) used[ref.layer] = true;
  }
  const std::string& output = graph.layers[graph.output].name;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    if (used[i]) continue;
    const Layer& layer = graph.layers[i];
    diags.warning("unused-layer",
                  layer.loc, fmt::format("{} '{}' does not contribute to the output '{}'", layer.op, layer.name, output),
                  static_cast<int>(i) > graph.output ? "it comes after the output layer: set `output:` to the last layer, or remove it"
                                                     : "read it from a later layer (`input:` or `inputs:`), or remove it");
  }
}

}  // namespace

void infer_shapes(Graph& graph, DiagnosticEngine& diags) {
  bool all_valid = !graph.input_shape.empty();
  // Every tensor of the model together stays within kMaxElements too, so that the arena, the
  // parameter block and every total over them fit in int64.
  int64_t model_elements = element_count(graph.input_shape).value_or(0);
  for (Layer& layer : graph.layers) {
    all_valid = all_valid && layer.valid;
    if (!layer.valid || !layer.def) continue;
    std::vector<const Shape*> inputs;
    for (const InputRef& ref : layer.inputs) inputs.push_back(graph.shape_of(ref));
    if (std::find(inputs.begin(), inputs.end(), nullptr) != inputs.end()) continue;

    InferContext ctx(layer, inputs, diags);
    if (!layer.def->infer(ctx)) continue;
    if (!element_count(ctx.output)) {
      ctx.error("size-overflow", fmt::format("{}: its output {} has more than 2^56 elements, more than nnc can address", ctx.what(),
                                             to_string(ctx.output)));
      continue;
    }
    bool params_fit = true;
    for (const ParamSpec& p : ctx.params) params_fit = params_fit && element_count(p.shape).has_value();
    if (!params_fit) {
      ctx.error("size-overflow", fmt::format("{}: a parameter of it has more than 2^56 elements, more than nnc can address", ctx.what()));
      continue;
    }
    int64_t layer_elements = *element_count(ctx.output);
    for (const ParamSpec& p : ctx.params) layer_elements += *element_count(p.shape);
    if (model_elements > kMaxElements - layer_elements) {
      ctx.error("size-overflow", fmt::format("{}: with it, the model's tensors hold more than 2^56 floats together, more than nnc "
                                             "can address", ctx.what()));
      continue;
    }
    model_elements += layer_elements;
    layer.shape = std::move(ctx.output);
    layer.params = std::move(ctx.params);
    layer.macs = ctx.macs;
    layer.formulas = std::move(ctx.formulas);
  }
  if (all_valid) warn_unused(graph, diags);
}

}  // namespace nnc
