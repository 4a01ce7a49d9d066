#include "lower/lower.h"

#include <fmt/format.h>

#include <cctype>

#include "lower/lower_context.h"
#include "support/identifier.h"

namespace nnc {

using namespace ir;

namespace {

// Each layer's identifier piece, for the names of its kernel and buffers, distinct within the model: a name that
// is already a piece keeps it, the others ("a.b" beside "a_b", "é" beside "ü") take the next free one.
std::vector<std::string> layer_identifiers(const Graph& graph) {
  std::vector<std::string> ids(graph.layers.size());
  IdentifierScope scope;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const std::string& name = graph.layers[i].name;
    if (!name.empty() && identifier_piece(name) == name) ids[i] = scope.claim(name);
  }
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const std::string piece = identifier_piece(graph.layers[i].name);
    if (ids[i].empty()) ids[i] = scope.claim(piece.empty() ? "layer" : piece);
  }
  return ids;
}

// The kernel's own view of a buffer it is handed: an argument with the same size and alignment.
Buffer parameter_for(const std::string& name, const Buffer& actual, bool read_only) {
  return argument_buffer(name, actual->size, read_only, actual->alignment);
}

}  // namespace

ModelPlan plan_model(const Graph& graph, const LoweringLookup& lowerings) {
  ModelPlan plan{schedule_graph(graph, lowerings), {}};
  std::vector<int64_t> scratch;
  for (const Step& step : plan.steps) {
    const Layer& producer = graph.layers[step.producer];
    std::vector<Shape> inputs;
    for (const InputRef& ref : producer.inputs) inputs.push_back(*graph.shape_of(ref));
    const LayerLowering& lowering = lowerings(producer);
    scratch.push_back(lowering.scratch ? lowering.scratch(producer, inputs) : 0);
  }
  plan.memory = plan_memory(graph, plan.steps, scratch);
  return plan;
}

LoweredModel lower_graph(const Graph& graph, const LowerOptions& options, const LoweringLookup& lowerings) {
  LoweredModel lowered;
  ModelPlan plan = plan_model(graph, lowerings);
  lowered.steps = std::move(plan.steps);
  lowered.memory = std::move(plan.memory);

  Module& module = lowered.module;
  module.name = model_identifier(graph.name);
  module.entry_name = kForwardName;
  module.input_shape = graph.input_shape;
  module.output_shape = *graph.layers[graph.output].shape;
  module.params = layout_params(graph, lowerings);
  module.arena_floats = lowered.memory.arena;
  Buffer input = argument_buffer("input", *element_count(graph.input_shape), true, 0);
  Buffer output = argument_buffer("output", *element_count(module.output_shape), false, 0);
  Buffer params = argument_buffer("params", std::max<int64_t>(module.params.total, 1), true, 64);
  Buffer arena = argument_buffer("arena", std::max<int64_t>(lowered.memory.arena, 1), false, 64);
  module.entry_args = {input, output, params, arena};
  const std::vector<std::string> ids = layer_identifiers(graph);
  IdentifierScope kernel_names;

  std::vector<Buffer> tensors(graph.layers.size());  // where each materialised layer output lives
  auto tensor_of = [&](const InputRef& ref) { return ref.layer == InputRef::kModelInput ? input : tensors[ref.layer]; };
  for (size_t s = 0; s < lowered.steps.size(); ++s) {
    const Step& step = lowered.steps[s];
    const Layer& layer = graph.layers[step.producer];
    const int result = step.output();
    const TensorSlot& slot = lowered.memory.outputs[result];
    tensors[result] = slot.home == TensorHome::ModelOutput ? output : slice_buffer("t_" + ids[result], arena, slot.offset, slot.size);

    KernelCall call{module.functions.size(), {}};
    std::vector<Buffer> args;
    IdentifierScope arg_names;
    // The kernel's parameter standing for `actual`, added to both sides of the call.
    auto pass = [&](const std::string& name, const Buffer& actual, bool read_only) {
      Buffer param = parameter_for(arg_names.claim(name), actual, read_only);
      args.push_back(param);
      call.args.push_back(actual);
      return param;
    };
    auto pass_params = [&](int index, const std::string& prefix) {
      const Layer& l = graph.layers[index];
      std::vector<std::pair<std::string, Buffer>> out;
      for (const ParamSpec& p : l.params) {
        const ParamSlot* slot_of = module.params.find(weights_key(l, p));
        // A name part for the buffers: a `parameter`'s own value, or the key (out_proj.weight) as an identifier.
        const std::string part = p.key.empty() ? "value" : identifier_piece(p.key);
        Buffer actual = slice_buffer("p_" + ids[index] + "_" + part, params, slot_of->offset, slot_of->size);
        out.emplace_back(p.key, pass(prefix + part, actual, true));
      }
      return out;
    };

    std::vector<TensorRef> inputs;
    for (size_t k = 0; k < layer.inputs.size(); ++k)
      inputs.push_back({pass(layer.inputs.size() == 1 ? "x" : "x" + std::to_string(k), tensor_of(layer.inputs[k]), true),
                        *graph.shape_of(layer.inputs[k])});
    Buffer y = pass("y", tensors[result], false);
    auto layer_params = pass_params(step.producer, "");
    Buffer scratch_arg;
    if (lowered.memory.scratch[s].size > 0)
      scratch_arg = pass("scratch", slice_buffer("s_" + ids[step.producer], arena, lowered.memory.scratch[s].offset,
                                                 lowered.memory.scratch[s].size), false);

    std::vector<FusedLayer> fused;
    std::string description = fmt::format("layer '{}' ({}, line {})", layer.name, layer.op, layer.loc.line);
    for (size_t e = 0; e < step.epilogues.size(); ++e) {
      const Layer& f = graph.layers[step.epilogues[e]];
      const std::string& id = ids[step.epilogues[e]];
      const std::string prefix = (std::isdigit(static_cast<unsigned char>(id[0])) ? "l" : "") + id + "_";
      FusedLayer entry{&f, &lowerings(f), step.chain_input[e], {}, {}};
      for (size_t k = 0; k < f.inputs.size(); ++k) {
        Buffer b = k == entry.chain_input ? Buffer() : pass(prefix + "x" + std::to_string(k), tensor_of(f.inputs[k]), true);
        entry.inputs.push_back({b, *graph.shape_of(f.inputs[k])});
      }
      entry.params = pass_params(step.epilogues[e], prefix);
      fused.push_back(std::move(entry));
      description += fmt::format(" + '{}' ({}, line {})", f.name, f.op, f.loc.line);
    }
    description += ": output " + to_string(*graph.layers[result].shape);

    LowerContext ctx(layer, std::move(inputs), {y, *layer.shape}, std::move(layer_params), scratch_arg, std::move(fused), options.threads);
    module.functions.push_back(
        {kernel_names.claim(fmt::format("{}_{}", layer.op, ids[step.producer])), std::move(args), lowerings(layer).lower(ctx), description});
    module.entry.push_back(std::move(call));
  }
  return lowered;
}

}  // namespace nnc
