#include "graph/shape_inference.h"

#include <fmt/format.h>

#include <algorithm>

#include "graph/infer_context.h"
#include "graph/op_schema.h"
#include "graph/summary.h"

namespace nnc {
namespace {

// One copy of a model's parameters and activations larger than this is a typo (a size with digits too many), not
// a model: no machine nnc runs on holds it. run, bench and emit also compare every copy they will make with the
// memory of the machine they run on (driver/memory_need.h).
constexpr double kAbsurdModelBytes = double(int64_t{1} << 40);

double float_bytes(const Shape& shape) { return static_cast<double>(*element_count(shape)) * sizeof(float); }

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
                                                     : "read it from a later layer (`input:` or `inputs:`), or remove it",
                  layer.origin);
  }
}

}  // namespace

void infer_shapes(Graph& graph, DiagnosticEngine& diags) {
  bool all_valid = !graph.input_shape.empty();
  double model_bytes = 0;  // the parameters and outputs of the layers so far
  bool too_large = false;
  for (Layer& layer : graph.layers) {
    all_valid = all_valid && layer.valid;
    if (!layer.valid || !layer.schema) continue;
    std::vector<const Shape*> inputs;
    for (const InputRef& ref : layer.inputs) inputs.push_back(graph.shape_of(ref));
    if (std::find(inputs.begin(), inputs.end(), nullptr) != inputs.end()) continue;

    InferContext ctx(layer, inputs, diags);
    if (!layer.schema->infer(ctx)) continue;
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
    model_bytes += float_bytes(ctx.output);
    for (const ParamSpec& p : ctx.params) model_bytes += float_bytes(p.shape);
    if (!too_large && model_bytes > kAbsurdModelBytes) {
      too_large = true;
      ctx.error("model-too-large",
                fmt::format("{}: with this layer the model's parameters and activations take {}, more than the {} any "
                            "model may take",
                            ctx.what(), format_bytes(model_bytes), format_bytes(kAbsurdModelBytes)),
                "check this layer's sizes for a typo, such as a digit too many");
    }
    layer.shape = std::move(ctx.output);
    layer.params = std::move(ctx.params);
    layer.macs = ctx.macs;
    layer.formulas = std::move(ctx.formulas);
  }
  if (all_valid) warn_unused(graph, diags);
}

}  // namespace nnc
