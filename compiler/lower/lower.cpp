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

// A C identifier from a layer name: "conv-1" -> "conv_1".
std::string identifier(const std::string& name) {
  std::string id;
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

// The kernel's own view of a buffer it is handed: an argument with the same size and alignment.
Buffer parameter_for(const std::string& name, const Buffer& actual, bool read_only) {
  return argument_buffer(name, actual->size, read_only, actual->alignment);
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

  Module& module = lowered.module;
  module.name = graph.name;
  module.entry_name = kForwardName;
  Buffer input = argument_buffer("input", *element_count(graph.input_shape), true, 0);
  Buffer output = argument_buffer("output", *element_count(lowered.output_shape), false, 0);
  Buffer params = argument_buffer("params", std::max<int64_t>(lowered.params.total, 1), true, 64);
  Buffer arena = argument_buffer("arena", std::max<int64_t>(lowered.memory.arena, 1), false, 64);
  module.entry_args = {input, output, params, arena};

  std::vector<Buffer> outputs(graph.layers.size());
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    if (!lowered.memory.needed[i]) continue;
    const Layer& layer = graph.layers[i];
    const TensorSlot& slot = lowered.memory.outputs[i];
    const std::string id = identifier(layer.name);
    outputs[i] = slot.home == TensorHome::ModelOutput ? output : slice_buffer("t_" + id, arena, slot.offset, slot.size);

    KernelCall call{module.functions.size(), {}};
    std::vector<Buffer> args;
    std::vector<TensorRef> inputs;
    for (size_t k = 0; k < layer.inputs.size(); ++k) {
      const InputRef& ref = layer.inputs[k];
      Buffer actual = ref.layer == InputRef::kModelInput ? input : outputs[ref.layer];
      Buffer param = parameter_for(layer.inputs.size() == 1 ? "x" : "x" + std::to_string(k), actual, true);
      inputs.push_back({param, *graph.shape_of(ref)});
      args.push_back(param);
      call.args.push_back(actual);
    }
    Buffer y = parameter_for("y", outputs[i], false);
    args.push_back(y);
    call.args.push_back(outputs[i]);
    std::vector<std::pair<std::string, Buffer>> layer_params;
    for (const ParamSpec& p : layer.params) {
      const ParamSlot* s = lowered.params.find(layer.name + "." + p.key);
      Buffer actual = slice_buffer("p_" + id + "_" + p.key, params, s->offset, s->size);
      Buffer param = parameter_for(p.key, actual, true);
      layer_params.emplace_back(p.key, param);
      args.push_back(param);
      call.args.push_back(actual);
    }
    Buffer scratch_arg;
    if (lowered.memory.scratch[i].size > 0) {
      Buffer actual = slice_buffer("s_" + id, arena, lowered.memory.scratch[i].offset, lowered.memory.scratch[i].size);
      scratch_arg = parameter_for("scratch", actual, false);
      args.push_back(scratch_arg);
      call.args.push_back(actual);
    }

    LowerContext ctx(layer, std::move(inputs), {y, *layer.shape}, std::move(layer_params), scratch_arg,
                     options.threads);
    Function kernel{fmt::format("{}_{}", layer.op, id), std::move(args), simplify(layer.def->lower(ctx)),
                    fmt::format("layer '{}' ({}, line {}): output {}", layer.name, layer.op, layer.loc.line, to_string(*layer.shape))};
    verify(kernel);
    module.functions.push_back(std::move(kernel));
    module.entry.push_back(std::move(call));
  }
  return lowered;
}

}  // namespace nnc
