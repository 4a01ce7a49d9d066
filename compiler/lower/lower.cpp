#include "lower/lower.h"

#include <fmt/format.h>

#include <cctype>

#include "ir/simplify.h"
#include "ir/verify.h"
#include "lower/lower_context.h"
#include "ops/op.h"

namespace nnc {

using namespace ir;

namespace {

// A C identifier from a layer name: "conv-1" -> "conv_1", "0" -> "l0".
std::string identifier(const std::string& name) {
  std::string id;
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "l" + id;
  return id;
}

}  // namespace

LoweredModel lower_graph(const Graph& graph, const LowerOptions& options) {
  LoweredModel lowered;
  lowered.input_shape = graph.input_shape;
  lowered.output_shape = *graph.layers[graph.output].shape;
  lowered.params = layout_params(graph);

  std::vector<int64_t> scratch(graph.layers.size(), 0);
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& layer = graph.layers[i];
    if (!layer.def->scratch) continue;
    std::vector<Shape> inputs;
    for (const InputRef& ref : layer.inputs) inputs.push_back(*graph.shape_of(ref));
    scratch[i] = layer.def->scratch(layer, inputs);
  }
  lowered.memory = plan_memory(graph, scratch);

  Buffer input = argument_buffer("input", *element_count(graph.input_shape), true, 0);
  Buffer output = argument_buffer("output", *element_count(lowered.output_shape), false, 0);
  Buffer params = argument_buffer("params", std::max<int64_t>(lowered.params.total, 1), true, 64);
  Buffer arena = argument_buffer("arena", std::max<int64_t>(lowered.memory.arena, 1), false, 64);

  std::vector<Buffer> outputs(graph.layers.size());
  std::vector<Stmt> body;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    if (!lowered.memory.needed[i]) continue;
    const Layer& layer = graph.layers[i];
    const TensorSlot& slot = lowered.memory.outputs[i];
    const std::string id = identifier(layer.name);
    outputs[i] = slot.home == TensorHome::ModelOutput ? output : slice_buffer(id, arena, slot.offset, slot.size);

    std::vector<TensorRef> inputs;
    for (const InputRef& ref : layer.inputs)
      inputs.push_back({ref.layer == InputRef::kModelInput ? input : outputs[ref.layer], *graph.shape_of(ref)});
    std::vector<std::pair<std::string, Buffer>> layer_params;
    for (const ParamSpec& p : layer.params) {
      const ParamSlot* s = lowered.params.find(layer.name + "." + p.key);
      layer_params.emplace_back(p.key, slice_buffer(id + "_" + p.key, params, s->offset, s->size));
    }
    Buffer scratch_buffer;
    if (lowered.memory.scratch[i].size > 0)
      scratch_buffer = slice_buffer(id + "_scratch", arena, lowered.memory.scratch[i].offset, lowered.memory.scratch[i].size);

    LowerContext ctx(layer, static_cast<int>(i), std::move(inputs), {outputs[i], *layer.shape}, std::move(layer_params),
                     scratch_buffer, options.threads);
    body.push_back(layer.def->lower(ctx));
  }

  Function forward{kForwardName, {input, output, params, arena}, simplify(Block::make(std::move(body)))};
  verify(forward);
  lowered.module = Module{graph.name, {std::move(forward)}};
  return lowered;
}

}  // namespace nnc
